// Draws Lyra's app icons (a rising chart line on a blue tile) into PNGs with nothing but zlib.
// Run once after changing the design: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** `safe` shrinks the artwork into the maskable safe zone (the OS may crop to a circle). */
function draw(size, { safe = 1, rounded = true } = {}) {
  const rgba = Buffer.alloc(size * size * 4);
  const tile = [0x6e, 0xa8, 0xfe];
  const ink = [0x0b, 0x0e, 0x14];
  const s = size / 32;
  const c = size / 2;
  const map = ([x, y]) => [c + (x - 16) * s * safe, c + (y - 16) * s * safe];
  const axis = [
    [9, 7],
    [9, 25],
    [23, 25],
  ].map(map);
  const line = [
    [14, 19],
    [18, 14],
    [21, 17],
    [25, 11],
  ].map(map);
  const radius = rounded ? 7 * s : 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      // Rounded tile coverage, anti-aliased over one pixel.
      const qx = Math.max(Math.abs(px - c) - (c - radius), 0);
      const qy = Math.max(Math.abs(py - c) - (c - radius), 0);
      const tileCover = Math.max(0, Math.min(1, radius - Math.hypot(qx, qy) + 0.5));
      let d = Infinity;
      for (let i = 0; i + 1 < axis.length; i++)
        d = Math.min(d, distToSegment(px, py, axis[i], axis[i + 1]) - 1.7 * s * safe);
      for (let i = 0; i + 1 < line.length; i++)
        d = Math.min(d, distToSegment(px, py, line[i], line[i + 1]) - 1.2 * s * safe);
      const inkCover = Math.max(0, Math.min(1, 0.5 - d));
      const o = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = Math.round(tile[k] * (1 - inkCover) + ink[k] * inkCover);
      rgba[o + 3] = Math.round(255 * tileCover);
    }
  }
  return png(size, rgba);
}

mkdirSync('static/icons', { recursive: true });
writeFileSync('static/icons/icon-192.png', draw(192));
writeFileSync('static/icons/icon-512.png', draw(512));
writeFileSync('static/icons/maskable-512.png', draw(512, { safe: 0.72, rounded: false }));
writeFileSync('static/icons/apple-touch-icon.png', draw(180, { rounded: false }));
writeFileSync(
  'static/favicon.svg',
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#6ea8fe"/><path d="M9 7v18h14" fill="none" stroke="#0b0e14" stroke-width="3.4" stroke-linecap="round" stroke-linejoin="round"/><path d="M14 19l4-5 3 3 4-6" fill="none" stroke="#0b0e14" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>\n',
);
console.log('icons written to static/');
