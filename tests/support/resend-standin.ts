import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import Ajv2020 from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Webhook } from "standardwebhooks";
import { parse as parseYaml } from "yaml";

/**
 * A local stand-in for the Resend HTTP API (`POST /emails`, `POST /emails/batch`) that the real `resend` SDK can talk
 * to via `new Resend(key, { baseUrl: standin.url })`. Every request is checked against Resend's own OpenAPI
 * description (tests/support/resend-openapi/resend.yaml), so a test passing here means the app speaks the real
 * protocol.
 */

export type Fault =
  | { kind: "429"; retryAfterSeconds: number }
  | { kind: "500" }
  | { kind: "422"; message?: string }
  | { kind: "drop" }
  /** No answer: the connection is held for `ms`, then dropped (the client's timeout should come first). */
  | { kind: "hang"; ms: number };

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  batchValidation: string | undefined;
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** HTTP status answered; 0 while still being handled, and for a dropped connection. */
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
  fault?: Fault["kind"];
}

export interface StoredEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  idempotencyKey: string | undefined;
}

export interface ResendStandin {
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Every email created; idempotent replays create nothing. */
  emails: StoredEmail[];
  /** Problems of requests rejected as malformed (auth, headers, body, route); tests assert it stays empty. */
  validationErrors: string[];
  /** Queue faults; each following POST to /emails or /emails/batch consumes one. */
  failNext(...faults: Fault[]): void;
  /** An outage: until Date.now() passes `until`, every POST (after any queued by failNext) gets the next of `faults`, in turn. */
  failUntil(until: number, ...faults: Fault[]): void;
  /** Called after an accepted send has been stored and its response written; a test may kill a worker here. */
  onAccepted?: (req: RecordedRequest) => void;
  /** Extra delay in ms before answering each request (default 0). */
  latencyMs: number;
  /** Clear requests, emails, faults, idempotency memory and validationErrors (the arrays are emptied in place). */
  reset(): void;
  close(): Promise<void>;
}

type Route = "/emails" | "/emails/batch";
const ROUTES: readonly Route[] = ["/emails", "/emails/batch"];

/** Resend's documented batch limit; the OpenAPI schema does not carry it as maxItems. */
const MAX_BATCH_SIZE = 100;
/** Documented as unsupported on /emails/batch, though the shared SendEmailRequest schema allows them. */
const FIELDS_NOT_ALLOWED_IN_BATCH = ["attachments", "scheduled_at"] as const;
const RATE_LIMIT_PER_SECOND = 5;

interface SendEmailBody {
  from: string;
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  [field: string]: unknown;
}

interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface IdempotencyEntry {
  fingerprint: string;
  /** Undefined while the first request with this key is still being handled. */
  response?: Outcome;
}

// ---------------------------------------------------------------------------------------------------------------
// OpenAPI-derived validators, compiled once per process: one test pushes ~100 batches of 100 through them.

const SPEC_ID = "resend";
const SPEC_FILE = new URL("./resend-openapi/resend.yaml", import.meta.url);

interface Validators {
  body: Record<Route, ValidateFunction>;
  idempotencyKey: Record<Route, ValidateFunction>;
}

let validators: Validators | undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointerSegment(segment: string | number): string {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

function pointer(...segments: (string | number)[]): string {
  return `#/${segments.map(escapePointerSegment).join("/")}`;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`resend.yaml: only local $refs are supported, got ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = Array.isArray(node) ? node[Number(segment)] : isRecord(node) ? node[segment] : undefined;
    if (node === undefined) throw new Error(`resend.yaml: ${ref} does not resolve`);
  }
  return node;
}

/** Pointer to the schema of a header parameter of `POST route`, following a `$ref` to components/parameters. */
function headerSchemaPointer(doc: unknown, route: Route, header: string): string {
  const parameters = resolvePointer(doc, pointer("paths", route, "post", "parameters"));
  if (Array.isArray(parameters)) {
    for (const [index, entry] of parameters.entries()) {
      let at = pointer("paths", route, "post", "parameters", index);
      let parameter: unknown = entry;
      if (isRecord(parameter) && typeof parameter.$ref === "string") {
        at = parameter.$ref;
        parameter = resolvePointer(doc, at);
      }
      if (isRecord(parameter) && parameter.in === "header" && String(parameter.name).toLowerCase() === header) {
        return `${at}/schema`;
      }
    }
  }
  throw new Error(`resend.yaml: POST ${route} no longer documents the ${header} header`);
}

function getValidators(): Validators {
  if (validators) return validators;
  const doc: unknown = parseYaml(readFileSync(SPEC_FILE, "utf8"));
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; strict: false lets OpenAPI-only keywords (example, ...) through.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, SPEC_ID);
  const compile = (ref: string): ValidateFunction => ajv.compile({ $ref: `${SPEC_ID}${ref}` });
  const bodyPointer = (route: Route) => pointer("paths", route, "post", "requestBody", "content", "application/json", "schema");
  validators = {
    body: {
      "/emails": compile(bodyPointer("/emails")),
      "/emails/batch": compile(bodyPointer("/emails/batch")),
    },
    idempotencyKey: {
      "/emails": compile(headerSchemaPointer(doc, "/emails", "idempotency-key")),
      "/emails/batch": compile(headerSchemaPointer(doc, "/emails/batch", "idempotency-key")),
    },
  };
  return validators;
}

function describeErrors(errors: ErrorObject[] | null | undefined, subject: string): string[] {
  return (errors ?? []).map((error) => `${subject}${error.instancePath} ${error.message ?? "is invalid"}`);
}

// ---------------------------------------------------------------------------------------------------------------

function errorOutcome(status: number, name: string, message: string, headers?: Record<string, string>): Outcome {
  return { status, body: { statusCode: status, name, message }, headers };
}

function faultOutcome(fault: Exclude<Fault, { kind: "drop" | "hang" }>): Outcome {
  switch (fault.kind) {
    case "429": {
      const seconds = String(fault.retryAfterSeconds);
      return errorOutcome(
        429,
        "rate_limit_exceeded",
        `Too many requests. You can only make ${RATE_LIMIT_PER_SECOND} requests per second. ` +
          "See rate limit response headers for more information. Or contact support to increase rate limit.",
        {
          "retry-after": seconds,
          "ratelimit-limit": String(RATE_LIMIT_PER_SECOND),
          "ratelimit-remaining": "0",
          "ratelimit-reset": seconds,
        },
      );
    }
    case "500":
      return errorOutcome(500, "internal_server_error", "Internal server error. We are unable to process your request right now, please try again later.");
    case "422":
      return errorOutcome(422, "validation_error", fault.message ?? "Injected validation error.");
  }
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Key order and whitespace carry no meaning, so they must not turn a faithful retry into a "different payload". */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isRecord(value)) {
    const fields = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function storedEmail(item: SendEmailBody, idempotencyKey: string | undefined): StoredEmail {
  const email: StoredEmail = {
    id: randomUUID(),
    from: item.from,
    to: Array.isArray(item.to) ? [...item.to] : [item.to],
    subject: item.subject,
    idempotencyKey,
  };
  if (item.html !== undefined) email.html = item.html;
  if (item.text !== undefined) email.text = item.text;
  return email;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function write(res: ServerResponse, outcome: Outcome, afterWrite?: () => void): void {
  if (res.destroyed || res.headersSent) {
    afterWrite?.();
    return;
  }
  const payload = JSON.stringify(outcome.body);
  res.writeHead(outcome.status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(payload)),
    ...outcome.headers,
  });
  if (!afterWrite) {
    res.end(payload);
    return;
  }
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    afterWrite();
  };
  // "close" also fires when the client went away mid-response, so a stored send is always announced.
  res.once("close", once);
  res.end(payload, once);
}

export async function startResendStandin(options: { apiKey?: string } = {}): Promise<ResendStandin> {
  const compiled = getValidators();
  const faults: Fault[] = [];
  let outage: { until: number; faults: Fault[]; next: number } | undefined;
  const nextFault = (): Fault | undefined => {
    const queued = faults.shift();
    if (queued || !outage || Date.now() >= outage.until) return queued;
    return outage.faults[outage.next++ % outage.faults.length];
  };
  const idempotency = new Map<string, IdempotencyEntry>();

  /** A decision reached before the latency wait; `accept` runs after it so "in flight" spans the delay. */
  type Decision = { kind: "reply"; outcome: Outcome } | { kind: "drop" } | { kind: "hang"; ms: number } | { kind: "accept"; commit: () => Outcome };

  const reject = (record: RecordedRequest, problems: string[], outcome: Outcome): Decision => {
    for (const problem of problems) standin.validationErrors.push(`${record.method} ${record.path}: ${problem}`);
    return { kind: "reply", outcome };
  };

  const decide = (req: IncomingMessage, record: RecordedRequest, raw: string): Decision => {
    const route = ROUTES.find((candidate) => candidate === record.path);
    if (!route || record.method !== "POST") {
      const message = `Route ${record.method} ${record.path} is not served by the Resend stand-in.`;
      return reject(record, [message], errorOutcome(404, "not_found", message));
    }

    const fault = nextFault();
    if (fault) {
      record.fault = fault.kind;
      if (fault.kind === "drop") return { kind: "drop" };
      if (fault.kind === "hang") return { kind: "hang", ms: fault.ms };
      return { kind: "reply", outcome: faultOutcome(fault) };
    }

    const authorization = singleHeader(req, "authorization");
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (bearer === undefined) {
      const message = "Missing API key in the authorization header. Include the following header in your request: " + "Authorization: Bearer YOUR_API_KEY";
      return reject(record, [message], errorOutcome(401, "missing_api_key", message));
    }
    if (options.apiKey !== undefined && bearer !== options.apiKey) {
      return reject(record, ["API key is invalid"], errorOutcome(403, "invalid_api_key", "API key is invalid"));
    }

    const invalid = (problems: string[]): Decision => reject(record, problems, errorOutcome(422, "validation_error", problems.join("; ")));

    const mediaType = singleHeader(req, "content-type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json") {
      return invalid([`Content-Type must be application/json, got ${mediaType ?? "none"}`]);
    }

    const key = record.idempotencyKey;
    if (key !== undefined) {
      const validateKey = compiled.idempotencyKey[route];
      // Resend documents 1-256 characters; the yaml only states the upper bound.
      const problems = key.length === 0 ? ["Idempotency-Key must not be empty"] : [];
      if (!validateKey(key)) problems.push(...describeErrors(validateKey.errors, "Idempotency-Key header"));
      if (problems.length > 0) {
        const message = "The idempotency key has to be between 1-256 characters.";
        return reject(record, problems, errorOutcome(400, "invalid_idempotency_key", message));
      }
    }

    const mode = record.batchValidation;
    if (route === "/emails/batch" && mode !== undefined && mode !== "strict" && mode !== "permissive") {
      return invalid([`x-batch-validation must be "strict" or "permissive", got "${mode}"`]);
    }
    const permissive = route === "/emails/batch" && mode === "permissive";

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return invalid(["body is not valid JSON"]);
    }

    const validateBody = compiled.body[route];
    const valid = validateBody(body);
    const schemaProblems = valid ? [] : describeErrors(validateBody.errors, "body");
    // Per-item problems of a batch, keyed by index, so permissive mode can drop just those items.
    const itemProblems = new Map<number, string[]>();
    if (route === "/emails/batch" && Array.isArray(body)) {
      if (body.length > MAX_BATCH_SIZE) {
        return invalid([`batch has ${body.length} emails; the maximum is ${MAX_BATCH_SIZE}`]);
      }
      const addItemProblem = (index: number, problem: string) => itemProblems.set(index, [...(itemProblems.get(index) ?? []), problem]);
      for (const error of valid ? [] : (validateBody.errors ?? [])) {
        const index = Number(error.instancePath.split("/")[1]);
        addItemProblem(index, describeErrors([error], "body")[0] ?? "is invalid");
      }
      body.forEach((item: unknown, index) => {
        for (const field of FIELDS_NOT_ALLOWED_IN_BATCH) {
          if (isRecord(item) && item[field] !== undefined) {
            addItemProblem(index, `body/${index}/${field} is not supported by /emails/batch`);
          }
        }
      });
    }

    const batchErrors: { index: number; message: string }[] = [];
    if (permissive && Array.isArray(body)) {
      for (const [index, problems] of [...itemProblems].sort(([a], [b]) => a - b)) {
        for (const problem of problems) standin.validationErrors.push(`${record.method} ${record.path}: ${problem}`);
        batchErrors.push({ index, message: problems.join("; ") });
      }
    } else {
      const problems = route === "/emails/batch" && Array.isArray(body) ? [...itemProblems.values()].flat() : schemaProblems;
      if (problems.length > 0) return invalid(problems);
    }

    const fingerprint = canonicalJson(body);
    const memoryKey = `${route}\n${key ?? ""}`;
    if (key !== undefined) {
      const previous = idempotency.get(memoryKey);
      if (previous && !previous.response) {
        return {
          kind: "reply",
          outcome: errorOutcome(409, "concurrent_idempotent_requests", "Same idempotency key used while original request is still in progress."),
        };
      }
      if (previous?.response) {
        if (previous.fingerprint === fingerprint) return { kind: "reply", outcome: previous.response };
        return {
          kind: "reply",
          outcome: errorOutcome(409, "invalid_idempotent_request", "Same idempotency key used with a different request payload."),
        };
      }
      idempotency.set(memoryKey, { fingerprint });
    }

    const commit = (): Outcome => {
      let outcome: Outcome;
      if (route === "/emails") {
        const email = storedEmail(body as SendEmailBody, key);
        standin.emails.push(email);
        outcome = { status: 200, body: { id: email.id } };
      } else {
        const items = body as SendEmailBody[];
        const created = items.filter((_, index) => !itemProblems.has(index)).map((item) => storedEmail(item, key));
        standin.emails.push(...created);
        const data = created.map(({ id }) => ({ id }));
        outcome = { status: 200, body: permissive ? { data, errors: batchErrors } : { data } };
      }
      if (key !== undefined) idempotency.set(memoryKey, { fingerprint, response: outcome });
      return outcome;
    };
    return { kind: "accept", commit };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0] ?? "/",
      idempotencyKey: singleHeader(req, "idempotency-key"),
      batchValidation: singleHeader(req, "x-batch-validation"),
      body: undefined,
      status: 0,
      at: Date.now(),
    };
    standin.requests.push(record);
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return; // the client went away before sending its body; there is no one to answer
    }
    if (raw.length > 0) {
      try {
        record.body = JSON.parse(raw) as unknown;
      } catch {
        record.body = raw;
      }
    }

    let decision: Decision;
    try {
      decision = decide(req, record, raw);
    } catch (error) {
      const message = `stand-in failure: ${String(error)}`;
      decision = reject(record, [message], errorOutcome(500, "internal_server_error", message));
    }
    if (standin.latencyMs > 0) await sleep(standin.latencyMs);

    switch (decision.kind) {
      case "drop":
        req.socket.destroy();
        return;
      case "hang":
        // Unref'd: a held connection must not keep the test process alive after close().
        await sleep(decision.ms, undefined, { ref: false });
        req.socket.destroy();
        return;
      case "reply":
        record.status = decision.outcome.status;
        write(res, decision.outcome);
        return;
      case "accept": {
        const outcome = decision.commit();
        record.status = outcome.status;
        write(res, outcome, () => {
          try {
            standin.onAccepted?.(record);
          } catch (error) {
            console.error("resend stand-in: onAccepted threw", error);
          }
        });
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      standin.validationErrors.push(`stand-in failure: ${String(error)}`);
      if (!res.headersSent) write(res, errorOutcome(500, "internal_server_error", String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const standin: ResendStandin = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    emails: [],
    validationErrors: [],
    latencyMs: 0,
    failNext: (...more) => {
      faults.push(...more);
    },
    failUntil: (until, ...cycle) => {
      outage = { until, faults: cycle, next: 0 };
    },
    reset: () => {
      standin.requests.length = 0;
      standin.emails.length = 0;
      standin.validationErrors.length = 0;
      faults.length = 0;
      outage = undefined;
      idempotency.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK's fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
  return standin;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Svix message ids look like `msg_` + 27 base62 characters. */
function svixMessageId(): string {
  return `msg_${[...randomBytes(27)].map((byte) => BASE62[byte % BASE62.length]).join("")}`;
}

/**
 * Signs a webhook payload the way Resend (via Svix) does, returning the headers Resend would send with it.
 * `secret` is the endpoint's signing secret, `whsec_` + base64.
 */
export function signWebhook(
  secret: string,
  payload: string,
  opts: { id?: string; timestamp?: Date } = {},
): { "svix-id": string; "svix-timestamp": string; "svix-signature": string } {
  const id = opts.id ?? svixMessageId();
  const timestamp = opts.timestamp ?? new Date();
  return {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "svix-signature": new Webhook(secret).sign(id, timestamp, payload),
  };
}
