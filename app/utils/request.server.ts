/** Reads a request body as UTF-8 text, or undefined when it is larger than `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string | undefined> {
  const bytes = await readBodyBytes(request, maxBytes);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString("utf8");
}

/** Reads a request body, or undefined when it is larger than `maxBytes` (stops reading there). */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The largest form any public page accepts: a signature is well under 4 KB. */
export const MAX_FORM_BYTES = 16 * 1024;

/** The largest body any route accepts (a webhook delivery); the Express host refuses more unread. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * The rep's dashboard takes a roster of up to 1 MB, as a file or pasted (percent-encoded, so up to
 * three times larger): the route says "larger than 1 MB" next to the field for anything between.
 */
export const MAX_ROSTER_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Reads a posted HTML form, refusing what no form of ours sends with a 4xx thrown as a Response
 * (shown by the error boundary, whose words in each language are common.json's errorPage.message.<code>): a body over `maxBytes` (413), another content type such as JSON
 * (415), bytes that are not UTF-8 (400). Nothing is written before this returns.
 */
export async function readForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<URLSearchParams> {
  const type = (request.headers.get("content-type") ?? "").split(";", 1)[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new Response("formType", { status: 415 });
  }
  const bytes = await readBodyBytes(request, maxBytes);
  if (bytes === undefined) throw new Response("formTooLarge", { status: 413 });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Response("formEncoding", { status: 400 });
  }
  const form = new URLSearchParams(text);
  // Percent-escapes of bytes that are not UTF-8 decode to U+FFFD rather than failing.
  for (const value of form.values()) {
    if (value.includes("\uFFFD")) throw new Response("formEncoding", { status: 400 });
  }
  return form;
}

/**
 * Reads a posted form that may carry a file (multipart/form-data) or not (urlencoded), under
 * `maxBytes`, with the same refusals as readForm; a multipart body that does not parse is a 400.
 */
export async function readFormWithFiles(request: Request, maxBytes: number): Promise<FormData | URLSearchParams> {
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.split(";", 1)[0]!.trim().toLowerCase() !== "multipart/form-data") return readForm(request, maxBytes);
  const bytes = await readBodyBytes(request, maxBytes);
  if (bytes === undefined) throw new Response("formTooLarge", { status: 413 });
  try {
    return await new Request("http://form.invalid/", { method: "POST", headers: { "content-type": contentType }, body: Buffer.from(bytes) }).formData();
  } catch {
    throw new Response("formUnreadable", { status: 400 });
  }
}
