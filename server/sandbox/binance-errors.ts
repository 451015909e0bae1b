/**
 * Binance error responses: `{"code": <negative int>, "msg": "..."}` with HTTP 400 for bad requests.
 * Codes matter because ccxt maps them to its exception classes (-1121 -> BadSymbol, the other
 * -11xx request errors -> BadRequest); messages say exactly which parameter was wrong.
 */

export class BinanceError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status: 400 | 401 | 404 | 500 = 400,
  ) {
    super(message);
    this.name = 'BinanceError';
  }

  toJSON(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

export const UINT_RANGE = '^[0-9]{1,20}$';
export const SYMBOL_RANGE = '^[A-Z0-9-_.]{1,20}$';
export const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

export const errors = {
  unknown: () => new BinanceError(-1000, 'An unknown error occurred while processing the request.', 500),
  duplicateParameter: (name: string) => new BinanceError(-1101, `Duplicate values for parameter '${name}'.`),
  mandatory: (name: string) =>
    new BinanceError(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  unreadParameters: (name: string, read: number, sent: number) =>
    new BinanceError(
      -1104,
      `Not all sent parameters were read; read '${read}' parameter(s) but was sent '${sent}' (unexpected parameter '${name}').`,
    ),
  empty: (name: string) => new BinanceError(-1105, `Parameter '${name}' was empty.`),
  illegalChars: (name: string, range: string) =>
    new BinanceError(-1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`),
  invalidInterval: () => new BinanceError(-1120, 'Invalid interval.'),
  invalidSymbol: () => new BinanceError(-1121, 'Invalid symbol.'),
  lookupTooBig: (hours: number) =>
    new BinanceError(-1127, `More than ${hours} hours between startTime and endTime.`),
  combination: (detail: string) =>
    new BinanceError(-1128, `Combination of optional parameters invalid. ${detail}`),
  invalidValue: (name: string, detail: string) =>
    new BinanceError(-1130, `Data sent for parameter '${name}' is not valid. ${detail}`),
  notFound: (method: string, path: string) =>
    new BinanceError(-1000, `Unknown endpoint: ${method} ${path}`, 404),
};
