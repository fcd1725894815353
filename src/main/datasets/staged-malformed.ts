/**
 * The malformed records of an import, staged like its rows: where each is and why in typed
 * arrays, its raw text in the scratch file. A file whose every line is malformed (a wrong
 * delimiter, a stray quote early on) then costs a few bytes a line in memory instead of its
 * whole text as JavaScript strings, which took about 3 KB a record.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { detach } from './detach';
import type { MalformedRecord } from './formats/types';
import { Column } from './typed-column';

/** The scratch table of raw texts, by record number (ord). */
export const MALFORMED_TABLE = 'malformed';

/** A row's place: its file and line, or for a class folder's entry (`source`), that file. */
export function placeOf(
  path: string,
  line: number,
  source: string | undefined,
): { file: string; line: number } {
  return source === undefined ? { file: path, line } : { file: join(path, source), line: 1 };
}

export class StagedMalformed {
  private readonly file = new Column(new Uint32Array(256));
  private readonly line = new Column(new Uint32Array(256));
  private readonly reason = new Column(new Uint32Array(256));
  /** Distinct reasons: a million records usually share a handful. */
  private readonly reasons: string[] = [];
  private readonly reasonIds = new Map<string, number>();
  /** Records located by a file inside their source (a class folder's entry), by ord. */
  private readonly sources = new Map<number, string>();
  private readonly insertRaw: Database.Statement;
  private readonly selectRaw: Database.Statement;
  private readonly deleteFrom: Database.Statement;

  constructor(
    db: Database.Database,
    /** The import's files, by the index `add` is given. */
    private readonly paths: readonly string[],
  ) {
    db.exec(`CREATE TABLE ${MALFORMED_TABLE} (ord INTEGER PRIMARY KEY, raw TEXT NOT NULL)`);
    this.insertRaw = db.prepare(`INSERT INTO ${MALFORMED_TABLE} (ord, raw) VALUES (?, ?)`);
    this.selectRaw = db.prepare(`SELECT raw FROM ${MALFORMED_TABLE} WHERE ord = ?`).pluck();
    this.deleteFrom = db.prepare(`DELETE FROM ${MALFORMED_TABLE} WHERE ord >= ?`);
  }

  get count(): number {
    return this.file.length;
  }

  add(file: number, record: MalformedRecord): void {
    const ord = this.count;
    this.insertRaw.run(ord, record.raw);
    this.file.push(file);
    this.line.push(record.line);
    this.reason.push(this.reasonId(record.reason));
    if (record.source !== undefined) this.sources.set(ord, detach(record.source));
  }

  /** Forgets the records from `ord` on: their file is being read again from its start. */
  truncate(ord: number): void {
    this.deleteFrom.run(ord);
    for (const c of [this.file, this.line, this.reason]) c.truncate(ord);
    for (const at of this.sources.keys()) if (at >= ord) this.sources.delete(at);
  }

  /** Record numbers in file, then line order (a stray quote reports its line late). */
  inOrder(): Uint32Array {
    const order = Uint32Array.from({ length: this.count }, (_, i) => i);
    const file = this.file.view();
    const line = this.line.view();
    return order.sort((a, b) => file[a] - file[b] || line[a] - line[b] || a - b);
  }

  /** Where a record is: its file and line, or for a class folder's entry, that file, line 1. */
  where(ord: number): { file: string; line: number } {
    return placeOf(this.paths[this.file.get(ord)], this.line.get(ord), this.sources.get(ord));
  }

  /** The line the reader gave, even for a class folder's entry (messages name it). */
  lineRead(ord: number): number {
    return this.line.get(ord);
  }

  reasonOf(ord: number): string {
    return this.reasons[this.reason.get(ord)];
  }

  raw(ord: number): string {
    return this.selectRaw.get(ord) as string;
  }

  private reasonId(reason: string): number {
    let id = this.reasonIds.get(reason);
    if (id === undefined) {
      id = this.reasons.push(detach(reason)) - 1;
      this.reasonIds.set(this.reasons[id], id);
    }
    return id;
  }
}
