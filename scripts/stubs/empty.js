// Stand-in for Node-only modules (crypto, undici) that ccxt imports but never calls in a browser worker.
export default {};
