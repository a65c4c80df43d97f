// The Web-Serial-shaped port both esptool-js scripts hand to esptool-js's Transport.
import net from "node:net";

/** A Web-Serial-shaped port over a TCP socket (socket:// has no modem lines and no wire baud). */
export class TcpSerialPort {
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

  getInfo() {
    return {};
  }

  async setSignals() {
    // No modem lines on a TCP socket: reset sequences cannot reach the device.
  }

  async setBaudRate() {
    // The wire rate is the device's business on TCP; nothing to change on the host side.
  }

  async close() {
    this.socket?.destroy();
    this.readable = null;
    this.writable = null;
  }
}
