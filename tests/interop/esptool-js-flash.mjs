// Drives Espressif's esptool-js (an independent client) against one simulated device on TCP:
// connect, detect the chip, read the MAC, upload its stub, write an image compressed with its MD5
// check, read a slice back, and print what it saw as one JSON line. Exit code 0 only on success.
//
// usage: node esptool-js-flash.mjs HOST PORT ADDRESS IMAGE [BAUD]
import crypto from "node:crypto";
import { readFile } from "node:fs/promises";
import { ESPLoader, Transport } from "esptool-js";
import { TcpSerialPort } from "./tcp-serial-port.mjs";

const [host, port, addressText, imagePath, baudText] = process.argv.slice(2);
if (!imagePath) {
  console.error("usage: node esptool-js-flash.mjs HOST PORT ADDRESS IMAGE [BAUD]");
  process.exit(2);
}

const address = Number(addressText);
const baud = Number(baudText ?? 115200);
const log = [];
const terminal = {
  clean() {},
  writeLine(line) { log.push(String(line)); },
  write(text) { log.push(String(text)); },
};

const transport = new Transport(new TcpSerialPort(host, Number(port)), false);
const loader = new ESPLoader({ transport, baudrate: baud, romBaudrate: 115200, terminal, debugLogging: false });
try {
  const description = await loader.main("default_reset");
  const mac = await loader.chip.readMac(loader);
  const data = new Uint8Array(await readFile(imagePath));
  const md5 = (bytes) => crypto.createHash("md5").update(bytes).digest("hex");
  await loader.writeFlash({
    fileArray: [{ data, address }],
    flashSize: "keep",
    flashMode: "keep",
    flashFreq: "keep",
    eraseAll: false,
    compress: true,
    calculateMD5Hash: md5,
  });
  const flashMd5 = await loader.flashMd5sum(address, data.length);
  const sliceLength = Math.min(data.length, 0x2000);
  const readBack = await loader.readFlash(address, sliceLength);
  const readBackMatches = Buffer.compare(Buffer.from(readBack.slice(0, sliceLength)), Buffer.from(data.slice(0, sliceLength))) === 0;
  await transport.disconnect();
  console.log(JSON.stringify({
    ok: true,
    chip: loader.chip.CHIP_NAME,
    description,
    mac,
    stub: loader.IS_STUB,
    imageMd5: md5(data),
    flashMd5,
    readBackMatches,
  }));
  process.exit(0);
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e?.message ?? e), log: log.slice(-30) }));
  try { await transport.disconnect(); } catch { /* already closed */ }
  process.exit(1);
}
