/** One record of a CSV file: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * The delimiter of a file from its header line: a comma, unless the header has none and has semicolons
 * (spreadsheets in many European locales) or tabs.
 */
export function detectDelimiter(headerLine: string): string {
  if (headerLine.includes(',')) return ',';
  if (headerLine.includes(';')) return ';';
  if (headerLine.includes('\t')) return '\t';
  return ',';
}

/**
 * Splits CSV text into records: strips a byte-order mark, accepts LF, CRLF or CR line ends, skips blank
 * lines (a trailing newline, a blank line at the end), and reads quoted fields (delimiters, line breaks
 * and "" for a quote inside quotes). Files without quotes take a faster path, the common case for
 * millions of bars exported by a script.
 */
export function splitCsvRecords(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstBreak = src.search(/\r\n|\n|\r/);
  const delimiter = detectDelimiter(firstBreak === -1 ? src : src.slice(0, firstBreak));
  return src.includes('"') ? splitQuoted(src, delimiter) : splitPlain(src, delimiter);
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

function splitPlain(src: string, delimiter: string): CsvRecord[] {
  const lines = src.split(/\r\n|\n|\r/);
  const records: CsvRecord[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    if (isBlank(line)) continue;
    records.push({ line: k + 1, fields: line.split(delimiter) });
  }
  return records;
}

function splitQuoted(src: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let blank = true;
  const endRecord = () => {
    fields.push(field);
    if (!(blank && fields.length === 1 && isBlank(field))) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    blank = true;
  };
  for (let k = 0; k < src.length; k++) {
    const ch = src[k] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[k + 1] === '"') {
          field += '"';
          k++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && src[k + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      blank = false;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      blank = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[k + 1] === '\n') k++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0 || !blank) endRecord();
  return records;
}
