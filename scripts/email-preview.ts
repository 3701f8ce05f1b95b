// npm run email:preview — renders every template with its PreviewProps to email-preview/, HTML and text.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderEmail } from "../app/domain/outbox/render.server";
import { templates } from "../emails/index";
import { LANGUAGES } from "../app/i18n";

const out = path.resolve(process.argv[2] ?? "email-preview");
mkdirSync(out, { recursive: true });
const index: string[] = [];
// Every template in every language (the staff's emails are English in all of them).
for (const language of LANGUAGES) {
  for (const [template, { Component }] of Object.entries(templates)) {
    const { appUrl, ...props } = Component.PreviewProps as { appUrl: string };
    const email = await renderEmail(template, props, appUrl, language);
    const name = `${template}.${language}`;
    writeFileSync(path.join(out, `${name}.html`), email.html);
    writeFileSync(path.join(out, `${name}.txt`), `Subject: ${email.subject}\n\n${email.text}\n`);
    index.push(`<li><a href="${name}.html">${name}</a> (<a href="${name}.txt">text</a>): ${email.subject}</li>`);
    console.log(`${name}: ${path.relative(process.cwd(), path.join(out, `${name}.html`))}`);
  }
}
writeFileSync(path.join(out, "index.html"), `<!doctype html><meta charset="utf-8"><title>Email previews</title><ul>${index.join("")}</ul>\n`);
console.log(`open ${path.relative(process.cwd(), path.join(out, "index.html"))}`);
