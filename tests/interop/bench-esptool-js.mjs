// The esptool-js side of `station bench`: flashes one simulated device on TCP the way a line script would use
// Espressif's esptool-js (connect with its default reset, detect, stub, baud change, compressed write of every
// file with its MD5 check, hard reset) and prints one JSON line with how long each phase took, measured here
// with performance.now(), plus this process's CPU time and peak memory. Exit code 0 only on success.
//
// usage: node bench-esptool-js.mjs HOST PORT BAUD ADDRESS IMAGE [ADDRESS IMAGE ...]
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { readFile } from "node:fs/promises";
import { ESPLoader, Transport } from "esptool-js";
import { TcpSerialPort } from "./tcp-serial-port.mjs";

const [host, port, baudText, ...pairs] = process.argv.slice(2);
if (!baudText || pairs.length === 0 || pairs.length % 2 !== 0) {
  console.error("usage: node bench-esptool-js.mjs HOST PORT BAUD ADDRESS IMAGE [ADDRESS IMAGE ...]");
  process.exit(2);
}

const files = [];
for (let i = 0; i < pairs.length; i += 2) {
  files.push({ address: Number(pairs[i]), data: new Uint8Array(await readFile(pairs[i + 1])) });
}

const log = [];
const terminal = { clean() {}, writeLine(line) { log.push(String(line)); }, write(text) { log.push(String(text)); } };
const transport = new Transport(new TcpSerialPort(host, Number(port)), false);
const loader = new ESPLoader({ transport, baudrate: Number(baudText), romBaudrate: 115200, terminal, debugLogging: false });

// Time spent inside each of esptool-js's own phases (wrapping its methods; nothing else is changed).
const seconds = {};
function timed(name, method) {
  const original = loader[method].bind(loader);
  loader[method] = async (...args) => {
    const t0 = performance.now();
    try {
      return await original(...args);
    } finally {
      seconds[name] = (seconds[name] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
}
timed("connect", "detectChip");
timed("stub", "runStub");
timed("baud", "changeBaud");
timed("verify", "flashMd5sum");

const md5 = (bytes) => crypto.createHash("md5").update(bytes).digest("hex");
const t0 = performance.now();
try {
  await loader.main("default_reset");
  const afterMain = performance.now();
  seconds.identify = (afterMain - t0) / 1000 - (seconds.connect ?? 0) - (seconds.stub ?? 0) - (seconds.baud ?? 0);
  await loader.writeFlash({ fileArray: files, flashSize: "keep", flashMode: "keep", flashFreq: "keep", eraseAll: false, compress: true, calculateMD5Hash: md5 });
  const afterWrite = performance.now();
  seconds.write = (afterWrite - afterMain) / 1000 - (seconds.verify ?? 0);
  await loader.after("hard_reset");
  const end = performance.now();
  seconds.reset = (end - afterWrite) / 1000;
  await transport.disconnect();
  const usage = process.resourceUsage();
  console.log(JSON.stringify({
    ok: true,
    unitSeconds: (end - t0) / 1000,
    startupSeconds: t0 / 1000,
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssBytes: usage.maxRSS * 1024,
  }));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e), log: log.slice(-20) }));
  try { await transport.disconnect(); } catch { /* already closed */ }
  process.exit(1);
}
