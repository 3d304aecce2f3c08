// Copies the browser builds of npm dependencies into static/vendor/, so cop serves them
// itself: pages make no request to another host.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = {
  "socket.io.esm.min.js": "node_modules/socket.io-client/dist/socket.io.esm.min.js",
  "socket.io.esm.min.js.map": "node_modules/socket.io-client/dist/socket.io.esm.min.js.map",
};
const target = join(root, "static", "vendor");
mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(files)) {
  copyFileSync(join(root, source), join(target, name));
}
console.log(`vendored ${Object.keys(files).length} files into static/vendor/`);
