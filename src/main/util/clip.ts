/** Text cut to at most `max` characters, an ellipsis after the cut: for messages and previews. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\u2026` : text;
}
