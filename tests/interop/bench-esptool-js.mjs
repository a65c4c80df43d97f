// The esptool-js side of `station bench`: flashes one simulated device on TCP the way a line script would use
// Espressif's esptool-js (connect with its default reset, detect, stub, baud change, compressed write of every
// file with its MD5 check, hard reset) and prints one JSON line with how long each phase took, measured here
// with performance.now(), plus this process's CPU time and peak memory. Exit code 0 only on success.
//
// usage: node bench-esptool-js.mjs HOST PORT BAUD ADDRESS IMAGE [ADDRESS IMAGE ...]
import net from "node:net";
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { readFile } from "node:fs/promises";
import { ESPLoader, Transport } from "esptool-js";


/** A Web-Serial-shaped port over a TCP socket (socket:// has no modem lines and no wire baud). */
class TcpSerialPort {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.readable = null;
    this.writable = null;
  }

  async open() {
    const socket = net.connect({ host: this.host, port: this.port });
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.setNoDelay(true);
    this.socket = socket;
    this.readable = new ReadableStream({
      start(controller) {
        socket.on("data", (chunk) => controller.enqueue(new Uint8Array(chunk)));
        socket.on("close", () => {
          try { controller.close(); } catch { /* already closed */ }
        });
        socket.on("error", (e) => {
          try { controller.error(e); } catch { /* already errored */ }
        });
      },
    });
    this.writable = new WritableStream({
      write(chunk) {
        return new Promise((resolve, reject) => socket.write(Buffer.from(chunk), (e) => (e ? reject(e) : resolve())));
      },
    });
  }

  getInfo() { return {}; }
  async setSignals() { /* no modem lines on TCP */ }
  async setBaudRate() { /* the device paces its own wire on TCP */ }
  async close() {
    this.socket?.destroy();
    this.readable = null;
    this.writable = null;
  }
}

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
