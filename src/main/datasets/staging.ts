/**
 * The rows of an import between reading and storing. A million texts as JavaScript strings
 * would cost gigabytes, so each text goes to a scratch SQLite file as it is read, and what the
 * checks need of every row stays in typed arrays: its file and line, its label set, its split,
 * a 53-bit hash of its text and a few flags. Duplicate and overlap checks compare hashes and
 * confirm the few equal ones by reading the texts back; the final write copies the texts from
 * the scratch file straight into the store (datasets-repo.ts, `insertStaged`).
 *
 * The scratch file lives in the caller's folder (the data directory's `tmp/` in the app) and is
 * deleted when the import ends, refused or not, and on Ctrl-C where possible (scratch.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import type { DroppedRow, SplitName } from '../../shared/contract';
import { detach } from './detach';
import type { MalformedRecord } from './formats/types';
import { MALFORMED_TABLE, placeOf, StagedMalformed } from './staged-malformed';
import type { ParsedRow } from './rows';
import { removeStaleScratch, scratchPath, trackScratch, untrackScratch } from './scratch';
import { Column } from './typed-column';
import { estimateTokens } from './token-estimate';

/** Split codes in the typed arrays: 0 is "none yet", then SPLITS[code - 1]. */
export const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

export function splitCode(split: SplitName | undefined): number {
  return split ? SPLITS.indexOf(split) + 1 : 0;
}

/** Rows per INSERT while staging: fewer calls into SQLite, about a quarter faster. */
const INSERT_BATCH = 64;

/** The view of placed rows (ord, split, idx, text, label, label_set) the store copies from. */
export const PLACED_VIEW = 'placed_rows';

/** The table of dropped rows (ord, reason, file, line, text, label) the store copies from. */
export const DROPPED_TABLE = 'dropped';

/** Where a dropped row's text is: a staged row's, or a malformed record's raw text. */
export type DroppedSource = { seq: number } | { malformed: number };

/** split, idx, seq, label, label_set (JSON or null) */
type PlacedRow = [SplitName, number, number, number, string | null];

export const FLAG_EMPTY_TEXT = 1;
export const FLAG_LONG_TEXT = 2;

/**
 * cyrb53 (public domain): a fast 53-bit string hash, exact as a JS number. Equal hashes are
 * only candidates; texts are compared before two rows count as duplicates.
 */
export function textHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Distinct label lists, numbered: a million rows share a handful of them. */
export class LabelSets {
  /** Each set's labels in row order (the first is the row's `label`). */
  readonly labels: string[][] = [];
  /** Each set as compared for duplicates: sorted, so a,b equals b,a. */
  readonly sortedKey: string[] = [];
  private readonly ids = new Map<string, number>();

  /**
   * Renames every label (the user's label names): sets keep their ids, and two labels of a
   * set renamed to one name count once. Run after reading, before any check.
   */
  rename(name: (label: string) => string): void {
    for (let id = 0; id < this.labels.length; id++) {
      const renamed = [...new Set(this.labels[id].map((l) => (l === '' ? l : name(l))))];
      this.labels[id] = renamed;
      this.sortedKey[id] = [...renamed].sort().join('\u241E');
    }
    this.ids.clear();
  }

  id(labels: readonly string[]): number {
    const key = labels.join('\u241E');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.labels.length;
      const own = labels.map(detach);
      this.labels.push(own);
      this.sortedKey.push([...own].sort().join('\u241E'));
      this.ids.set(key, id);
    }
    return id;
  }
}

export class Staging {
  readonly paths: string[] = [];
  readonly sets = new LabelSets();
  readonly file = new Column(new Uint8Array(1024));
  readonly line = new Column(new Uint32Array(1024));
  readonly set = new Column(new Int32Array(1024));
  /** The split a row's file or split column gives it (0: none). */
  readonly split = new Column(new Uint8Array(1024));
  readonly hash = new Column(new Float64Array(1024));
  readonly flags = new Column(new Uint8Array(1024));
  /** Rows located by a file inside their source (a class folder's "pos/0001.txt"), by seq. */
  readonly sources = new Map<number, string>();
  readonly dbFile: string;
  private db: Database.Database | null;
  private readonly insertText: Database.Statement;
  private readonly insertBatch: Database.Statement;
  /** seq, text, seq, text...: rows waiting for a batch insert (one call instead of 64). */
  private readonly pending: (number | string)[] = [];
  private readonly selectText: Database.Statement;
  private readonly deleteFrom: Database.Statement;
  private readonly insertDroppedSeq: Database.Statement;
  private readonly insertDroppedMalformed: Database.Statement;
  /** Malformed records: where, why, and their raw text in this scratch file. */
  readonly malformed: StagedMalformed;
  /** Rows in the dropped table. */
  droppedCount = 0;

  constructor(
    dir: string | undefined,
    /** Multi-label: rows carry label lists (possibly empty) instead of one label. */
    private readonly multi: boolean,
    private readonly maxTokens: number,
  ) {
    const folder = dir ?? tmpdir();
    mkdirSync(folder, { recursive: true });
    removeStaleScratch(folder);
    this.dbFile = scratchPath(folder);
    trackScratch(this.dbFile);
    const db = new Database(this.dbFile, nativeBinding());
    // Scratch data: a crash loses nothing worth a journal or an fsync
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE rows (seq INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    this.insertText = db.prepare('INSERT INTO rows (seq, text) VALUES (?, ?)');
    this.insertBatch = db.prepare(
      `INSERT INTO rows (seq, text) VALUES ${Array(INSERT_BATCH).fill('(?, ?)').join(', ')}`,
    );
    this.selectText = db.prepare('SELECT text FROM rows WHERE seq = ?').pluck();
    this.deleteFrom = db.prepare('DELETE FROM rows WHERE seq >= ?');
    db.exec(`CREATE TABLE ${DROPPED_TABLE} (ord INTEGER PRIMARY KEY, reason TEXT NOT NULL,
      file TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL, label TEXT NOT NULL,
      detail TEXT)`);
    const columns = `${DROPPED_TABLE} (reason, file, line, label, detail, text)`;
    // A staged row's text goes from table to table, never through a JS string
    this.insertDroppedSeq = db.prepare(
      `INSERT INTO ${columns} SELECT ?, ?, ?, ?, ?, text FROM rows WHERE seq = ?`,
    );
    this.malformed = new StagedMalformed(db, this.paths);
    this.insertDroppedMalformed = db.prepare(
      `INSERT INTO ${columns} SELECT ?, ?, ?, ?, ?, raw FROM ${MALFORMED_TABLE} WHERE ord = ?`,
    );
    db.exec('BEGIN');
    this.db = db;
  }

  get count(): number {
    return this.file.length;
  }

  get database(): Database.Database {
    if (!this.db) throw new Error('staging is closed');
    return this.db;
  }

  /** A sink for one file's rows; `split` is the file's role, which overrides a split column. */
  sink(
    path: string,
    split: SplitName | undefined,
  ): {
    row(row: ParsedRow): void;
    malformed(record: MalformedRecord): void;
    restart(): void;
  } {
    const file = this.paths.push(path) - 1;
    const start = this.count;
    const startMalformed = this.malformed.count;
    const role = splitCode(split);
    return {
      row: (row) => this.add(file, row, role),
      malformed: (m) => this.malformed.add(file, m),
      restart: () => {
        this.flush();
        this.deleteFrom.run(start);
        for (const c of [this.file, this.line, this.set, this.split, this.hash, this.flags]) {
          c.truncate(start);
        }
        for (const seq of this.sources.keys()) if (seq >= start) this.sources.delete(seq);
        this.malformed.truncate(startMalformed);
      },
    };
  }

  private add(file: number, row: ParsedRow, role: number): void {
    const seq = this.count;
    this.pending.push(seq, row.text);
    if (this.pending.length === 2 * INSERT_BATCH) {
      this.insertBatch.run(this.pending);
      this.pending.length = 0;
    }
    this.file.push(file);
    this.line.push(row.line);
    if (row.source !== undefined) this.sources.set(seq, row.source);
    this.set.push(this.sets.id(this.multi ? (row.labels ?? []) : [row.label]));
    this.split.push(role || splitCode(row.split));
    this.hash.push(textHash(row.text));
    let flags = row.text === '' ? FLAG_EMPTY_TEXT : 0;
    // An estimate is at most 2.3 tokens a character: shorter texts need no counting
    if (row.text.length * 2.3 > this.maxTokens && estimateTokens(row.text) > this.maxTokens) {
      flags |= FLAG_LONG_TEXT;
    }
    this.flags.push(flags);
  }

  private flush(): void {
    for (let i = 0; i < this.pending.length; i += 2) {
      this.insertText.run(this.pending[i], this.pending[i + 1]);
    }
    this.pending.length = 0;
  }

  /** Reading is over: commit the texts, so they can be read back and copied. */
  commit(): void {
    this.flush();
    if (this.database.inTransaction) this.database.exec('COMMIT');
  }

  /**
   * Keeps a dropped row, with its text, in the scratch file: the store copies them all into
   * its own table, while the report lists only the first few (validate.ts).
   */
  keepDropped(row: Omit<DroppedRow, 'text'>, from: DroppedSource): void {
    const db = this.database;
    if (this.pending.length > 0) this.flush();
    if (!db.inTransaction) db.exec('BEGIN');
    const values = [row.reason, row.file, row.line, row.label, row.detail ?? null];
    if ('seq' in from) this.insertDroppedSeq.run(...values, from.seq);
    else this.insertDroppedMalformed.run(...values, from.malformed);
    this.droppedCount++;
  }

  /** Where a row is: its file and line, or for a class folder's row, its own file, line 1. */
  where(seq: number): { file: string; line: number } {
    return placeOf(this.paths[this.file.get(seq)], this.line.get(seq), this.sources.get(seq));
  }

  text(seq: number): string {
    if (this.pending.length > 0) this.flush();
    return this.selectText.get(seq) as string;
  }

  /** The row's first label ('' for none), as the checks and messages name it. */
  label(seq: number): string {
    return this.sets.labels[this.set.get(seq)][0] ?? '';
  }

  /** A row's labels as listed in the report: comma-joined for multi-label rows. */
  labelText(seq: number): string {
    const labels = this.sets.labels[this.set.get(seq)];
    return this.multi ? labels.join(',') : (labels[0] ?? '');
  }

  labels(seq: number): readonly string[] {
    return this.sets.labels[this.set.get(seq)];
  }

  /**
   * Where each kept row goes in the store: its split, its position there, its label index
   * (and JSON label set). PLACED_VIEW then joins that with the texts, in the order placed.
   */
  placement(): { add(...row: PlacedRow): void; finish(): void } {
    const db = this.database;
    // Dropped rows kept during validation are committed with the rest
    if (db.inTransaction) db.exec('COMMIT');
    db.exec(`CREATE TABLE placed (split TEXT NOT NULL, idx INTEGER NOT NULL,
      seq INTEGER NOT NULL, label INTEGER NOT NULL, label_set TEXT);
      CREATE VIEW ${PLACED_VIEW} AS SELECT p.rowid AS ord, p.split AS split, p.idx AS idx,
      r.text AS text, p.label AS label, p.label_set AS label_set
      FROM placed p JOIN rows r ON r.seq = p.seq`);
    const values = (n: number): string => Array(n).fill('(?, ?, ?, ?, ?)').join(', ');
    const one = db.prepare(`INSERT INTO placed VALUES ${values(1)}`);
    const batch = db.prepare(`INSERT INTO placed VALUES ${values(INSERT_BATCH)}`);
    const pending: PlacedRow[number][] = [];
    db.exec('BEGIN');
    return {
      add: (...row) => {
        pending.push(...row);
        if (pending.length < 5 * INSERT_BATCH) return;
        batch.run(pending);
        pending.length = 0;
      },
      finish: () => {
        for (let i = 0; i < pending.length; i += 5) one.run(pending.slice(i, i + 5));
        db.exec('COMMIT');
      },
    };
  }

  /** Closes and deletes the scratch file; safe to call twice. */
  close(): void {
    if (this.db?.open) this.db.close();
    this.db = null;
    rmSync(this.dbFile, { force: true });
    untrackScratch(this.dbFile);
  }
}

/** Electron runs on its own ABI; store/index.ts explains GRAFT_SQLITE_BINDING. */
function nativeBinding(): Database.Options {
  const binding = process.env.GRAFT_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}
