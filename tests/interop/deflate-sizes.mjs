// Prints how many bytes esptool-js would send for each file: it compresses with pako's deflate at level 9
// (esploader.js, writeFlash). Used to compare with Station's own encoder on the bench's images.
//
// usage: node deflate-sizes.mjs FILE [FILE ...]
import { readFile } from "node:fs/promises";
import { deflate } from "pako";

let total = 0;
for (const path of process.argv.slice(2)) {
  const size = deflate(new Uint8Array(await readFile(path)), { level: 9 }).length;
  total += size;
  console.log(`${size}\t${path}`);
}
console.log(`${total}\ttotal`);
