// The browser tests drive Debian's Chromium (playwright-core brings no browser of its own).
// On a fresh machine `npm test` installs it with apt-get when it can (as root), or says how.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const apt = existsSync("/usr/bin/apt-get");
  if (!root || !apt) {
    console.error(`Chromium is needed for the browser tests and is not at ${path}.`);
    console.error("Install Debian's package (sudo apt-get install chromium) or set CHROMIUM_PATH.");
    process.exit(1);
  }
  console.log("installing Debian's chromium for the browser tests…");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core", {
    stdio: "inherit",
  });
}
