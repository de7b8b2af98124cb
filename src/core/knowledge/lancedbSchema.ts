import type * as Arrow from 'apache-arrow';

// The LanceDB table of a knowledge base: its columns, the Arrow schema it is created with, and the indexes'
// settings. KnowledgeStore (store.ts) is the only code that reads and writes it.

/** One chunk as stored: what search returns plus what incremental indexing needs. */
export interface ChunkRow {
  id: string;
  source: string;
  start_line: number;
  end_line: number;
  heading: string;
  text: string;
  /** Heading and text together: the column the full-text index covers. */
  fts_text: string;
  content_hash: string;
  file_hash: string;
  /** Size, modification time and chunking settings of the file when read: equal stamps skip re-reading. */
  file_stamp: string;
  /** JSON array of globs; "[]" means everywhere. */
  applies_to: string;
  /** 1-based page of a PDF source, 0 for other sources. */
  page: number;
  /** JSON array of the programming languages the source document is about (`documentLanguages`); "[]" for none. */
  languages: string;
  vector: Float32Array;
}

/** Which embedder and dimension made a table's vectors, kept in its schema's metadata. */
export interface StoreIdentity {
  embedder: string;
  dimension: number;
}

/** Bump when the table's columns or its full-text tokenizer change; older tables are rebuilt. */
export const SCHEMA_VERSION = '4';
/** The embedder a table of an older schema is said to have: no embedder is, so indexing rebuilds it. */
export const OUTDATED_SCHEMA = 'outdated-schema';

export const FTS_COLUMN = 'fts_text';
/** Stemmed English without stop words: a rule says "imports" where a query says "import", and "the" matches everything. */
export const FULL_TEXT_OPTIONS = { withPosition: false, language: 'English', stem: true, removeStopWords: true, lowercase: true, asciiFolding: true };
export const VECTOR_COLUMN = 'vector';
/** What a search returns of each row: reading the vector and full-text columns too cost a third of a query's time at 100,000 rows. */
export const PASSAGE_COLUMNS = ['id', 'source', 'start_line', 'end_line', 'heading', 'text', 'applies_to', 'page', 'languages'];

export function tableName(kb: string): string {
  return `kb_${kb}`;
}

/** The Arrow schema of a new table; its metadata says which embedder and dimension made the vectors. */
export function tableSchema(arrow: typeof Arrow, identity: StoreIdentity): Arrow.Schema {
  const { Schema, Field, Utf8, Int32, Float32, FixedSizeList } = arrow;
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('source', new Utf8(), false),
      new Field('start_line', new Int32(), false),
      new Field('end_line', new Int32(), false),
      new Field('heading', new Utf8(), false),
      new Field('text', new Utf8(), false),
      new Field(FTS_COLUMN, new Utf8(), false),
      new Field('content_hash', new Utf8(), false),
      new Field('file_hash', new Utf8(), false),
      new Field('file_stamp', new Utf8(), false),
      new Field('applies_to', new Utf8(), false),
      new Field('page', new Int32(), false),
      new Field('languages', new Utf8(), false),
      new Field(VECTOR_COLUMN, new FixedSizeList(identity.dimension, new Field('item', new Float32(), true)), false),
    ],
    new Map([
      ['embedder', identity.embedder],
      ['dimension', String(identity.dimension)],
      ['schema', SCHEMA_VERSION],
    ]),
  );
}
