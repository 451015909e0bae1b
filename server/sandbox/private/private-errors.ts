/**
 * Binance's errors for signed endpoints and order handling. Codes and messages follow Binance,
 * because ccxt maps them to its classes: -2014/-2015/-1022 -> AuthenticationError, -1021 ->
 * InvalidNonce, -2010 -> InvalidOrder (InsufficientFunds and OrderImmediatelyFillable by message),
 * -2011/-2013 -> OrderNotFound, -1013/-11xx -> BadRequest (InvalidOrder for LOT_SIZE/PRICE_FILTER).
 */
import { BinanceError } from '../binance-errors.js';

export const DECIMAL_RANGE = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';

export const privateErrors = {
  badApiKeyFormat: () => new BinanceError(-2014, 'API-key format invalid.', 401),
  rejectedApiKey: () => new BinanceError(-2015, 'Invalid API-key, IP, or permissions for action.', 401),
  badSignature: () => new BinanceError(-1022, 'Signature for this request is not valid.'),
  timestampBehind: () => new BinanceError(-1021, 'Timestamp for this request is outside of the recvWindow.'),
  timestampAhead: () =>
    new BinanceError(-1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  badRecvWindow: () => new BinanceError(-1131, 'recvWindow must be less than 60000'),
  filter: (name: string) => new BinanceError(-1013, `Filter failure: ${name}`),
  invalidQuantity: () => new BinanceError(-1013, 'Invalid quantity.'),
  invalidPrice: () => new BinanceError(-1013, 'Invalid price.'),
  unsupported: (detail: string) => new BinanceError(-1013, detail),
  notRequired: (name: string) => new BinanceError(-1106, `Parameter '${name}' sent when not required.`),
  timeInForceNotRequired: () => new BinanceError(-1114, 'TimeInForce parameter sent when not required.'),
  invalidTimeInForce: () => new BinanceError(-1115, 'Invalid timeInForce.'),
  invalidOrderType: () => new BinanceError(-1116, 'Invalid orderType.'),
  invalidSide: () => new BinanceError(-1117, 'Invalid side.'),
  emptyClientOrderId: () => new BinanceError(-1118, 'New client order ID was empty.'),
  oneOf: (a: string, b: string) =>
    new BinanceError(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  rejected: (msg: string) => new BinanceError(-2010, msg),
  insufficientBalance: () =>
    new BinanceError(-2010, 'Account has insufficient balance for requested action.'),
  duplicateOrder: () => new BinanceError(-2010, 'Duplicate order sent.'),
  wouldTake: () => new BinanceError(-2010, 'Order would immediately match and take.'),
  wouldTrigger: () => new BinanceError(-2010, 'Stop price would trigger immediately.'),
  cancelRejected: () => new BinanceError(-2011, 'Unknown order sent.'),
  orderNotFound: () => new BinanceError(-2013, 'Order does not exist.'),
  orderListNotFound: () => new BinanceError(-2011, 'Order list does not exist.'),
  listenKeyNotFound: () => new BinanceError(-1125, 'This listenKey does not exist.'),
};
