import { z } from "zod";

/**
 * Every setting Countersign reads, validated once at start-up. `.env.example` lists the same names.
 *
 * APP_ENV, not NODE_ENV, decides what is allowed: `npm start` runs the production build
 * (NODE_ENV=production, for React's speed) on the embedded database with a dev mailbox, which
 * is a development deployment. APP_ENV=production demands a real server, a real mail provider and
 * real secrets.
 */
const DEV_IP_HASH_SECRET = "dev-only-ip-hash-secret-not-for-production-use";
export const DEV_TOKEN_HMAC_SECRET = "dev-only-token-hmac-secret-not-for-production-use";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(fallback);

/** A whole number between min and max (inclusive), with a message that names the variable. */
const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, max === Number.MAX_SAFE_INTEGER ? `${name} must be at least ${min}` : `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`)
    .default(fallback);

/** A number of seconds, fractions allowed, at least `min`. */
const seconds = (name: string, min: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .min(min, `${name} must be at least ${min}`)
    .default(fallback);

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "DATABASE_URL must start with postgres:// or postgresql://")
  .refine((v) => URL.canParse(v), "DATABASE_URL is not a valid URL");

const httpUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), `${name} must be an http(s) URL`)
    .transform((v) => v.replace(/\/+$/, ""));

const envShape = z.object({
  APP_ENV: z
    .enum(["development", "test", "production"], {
      error: "APP_ENV must be development, test or production",
    })
    .default("development"),
  DATABASE_URL: postgresUrl.optional().or(z.literal("").transform(() => undefined)),
  DATABASE_POOL_SIZE: wholeNumber("DATABASE_POOL_SIZE", 1, 200, 10),
  DATA_DIR: z.string().trim().min(1, "DATA_DIR must not be empty").default("./.data"),
  PORT: port("PORT", 3000),
  HOST: z.string().trim().min(1, "HOST must not be empty").default("127.0.0.1"),
  APP_URL: httpUrl("APP_URL").optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .regex(/^(?:[^<>]+ <[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'MAIL_FROM must look like "Name <address@example.org>"')
    .default("Countersign <letters@countersign.localhost>"),
  RESEND_API_KEY: optionalString.refine((v) => v === undefined || v.startsWith("re_"), "RESEND_API_KEY must start with re_"),
  RESEND_BASE_URL: httpUrl("RESEND_BASE_URL").optional(),
  RESEND_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || v.startsWith("whsec_"), "RESEND_WEBHOOK_SECRET must start with whsec_"),
  IP_HASH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, "IP_HASH_SECRET must be at least 32 characters"),
  TOKEN_HMAC_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, "TOKEN_HMAC_SECRET must be at least 32 characters"),
  TRUSTED_PROXIES: z
    .string()
    .trim()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  DEV_MAILBOX: z.enum(["auto", "on", "off"], { error: "DEV_MAILBOX must be auto, on or off" }).default("auto"),
  OUTBOX_WORKER: z.enum(["on", "off"], { error: "OUTBOX_WORKER must be on or off" }).default("on"),
  EMAIL_RATE_LIMIT: z.coerce
    .number({ error: "EMAIL_RATE_LIMIT must be a number" })
    .positive("EMAIL_RATE_LIMIT must be more than 0")
    .max(1000, "EMAIL_RATE_LIMIT must be at most 1000")
    .default(5),
  OUTBOX_BATCH_SIZE: wholeNumber("OUTBOX_BATCH_SIZE", 1, 100, 100),
  OUTBOX_MAX_ATTEMPTS: wholeNumber("OUTBOX_MAX_ATTEMPTS", 1, Number.MAX_SAFE_INTEGER, 8),
  OUTBOX_CLAIM_SECONDS: z.coerce.number({ error: "OUTBOX_CLAIM_SECONDS must be a number" }).min(1, "OUTBOX_CLAIM_SECONDS must be at least 1").default(60),
  OUTBOX_CONCURRENCY: wholeNumber("OUTBOX_CONCURRENCY", 1, 16, 2),
  OUTBOX_BACKOFF_SECONDS: seconds("OUTBOX_BACKOFF_SECONDS", 0.05, 2),
  OUTBOX_BACKOFF_MAX_SECONDS: seconds("OUTBOX_BACKOFF_MAX_SECONDS", 0.05, 900),
  OUTBOX_SEND_TIMEOUT_SECONDS: seconds("OUTBOX_SEND_TIMEOUT_SECONDS", 0.05, 30),
  MODERATION_DIGEST_HOURS: wholeNumber("MODERATION_DIGEST_HOURS", 1, 168, 6),
  PUBLIC_REFRESH_SECONDS: wholeNumber("PUBLIC_REFRESH_SECONDS", 1, 30, 15),
  /** Web processes `npm start` runs on PostgreSQL (unset: one per core); always 1 on PGlite. */
  WEB_CONCURRENCY: optionalString.pipe(
    z.coerce
      .number<string | undefined>({ error: "WEB_CONCURRENCY must be a number" })
      .int("WEB_CONCURRENCY must be a whole number")
      .min(1, "WEB_CONCURRENCY must be between 1 and 64")
      .max(64, "WEB_CONCURRENCY must be between 1 and 64")
      .optional(),
  ),
  RENDER_CACHE_SECONDS: wholeNumber("RENDER_CACHE_SECONDS", 0, 30, 5),
  PRESS_CONTACT: z
    .string()
    .trim()
    .regex(/^[^\s@<>]+@[^\s@<>]+$/, "PRESS_CONTACT must be an email address")
    .default("press@countersign.localhost"),
  SHUTDOWN_TIMEOUT_MS: wholeNumber("SHUTDOWN_TIMEOUT_MS", 0, Number.MAX_SAFE_INTEGER, 10_000),
});

/** Every variable Countersign reads. */
export const ENV_KEYS = Object.keys(envShape.shape);

const envSchema = envShape
  .superRefine((env, ctx) => {
    if (env.APP_ENV !== "production") return;
    const require = (key: keyof typeof env, why: string) => {
      if (env[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} is required in production: ${why}` });
    };
    require("DATABASE_URL", "the embedded PGlite database is for trying the app only");
    require("APP_URL", "links in emails are built from it");
    require("RESEND_API_KEY", "without it emails go to the dev mailbox");
    require("RESEND_WEBHOOK_SECRET", "bounces and complaints arrive through signed webhooks");
    require("IP_HASH_SECRET", "IP addresses are stored only as keyed hashes");
    require("TOKEN_HMAC_SECRET", "sign-in and confirmation codes are stored only as keyed hashes");
    if (env.DEV_MAILBOX === "on") {
      ctx.addIssue({
        code: "custom",
        path: ["DEV_MAILBOX"],
        message: "DEV_MAILBOX=on is refused in production: the dev mailbox shows sign-in codes to anyone",
      });
    }
    if (env.APP_URL && !env.APP_URL.startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: ["APP_URL"], message: "APP_URL must be https in production" });
    }
  })
  .transform((env) => ({
    ...env,
    APP_URL: env.APP_URL ?? `http://localhost:${env.PORT}`,
    IP_HASH_SECRET: env.IP_HASH_SECRET ?? DEV_IP_HASH_SECRET,
    TOKEN_HMAC_SECRET: env.TOKEN_HMAC_SECRET ?? DEV_TOKEN_HMAC_SECRET,
    isProduction: env.APP_ENV === "production",
  }));

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses the given variables (process.env by default); throws EnvError listing every bad one. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const key = issue.path.join(".");
      return issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
    }),
  );
}
