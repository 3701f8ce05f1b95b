import { describe, expect, it } from "vitest";
import { DEV_TOKEN_HMAC_SECRET, ENV_KEYS, EnvError, parseEnv } from "../../app/utils/env.server";

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error("expected the configuration to be refused");
}

describe("parseEnv", () => {
  it("gives working defaults for trying the app with nothing set", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      APP_ENV: "development",
      DATABASE_POOL_SIZE: 10,
      DATA_DIR: "./.data",
      PORT: 3000,
      HOST: "127.0.0.1",
      APP_URL: "http://localhost:3000",
      TRUSTED_PROXIES: [],
      isProduction: false,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.RESEND_API_KEY).toBeUndefined();
    expect(env.IP_HASH_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it("reads and converts every value", () => {
    const env = parseEnv({
      DATABASE_URL: "postgres://app@db.internal:5432/countersign",
      DATABASE_POOL_SIZE: "25",
      PORT: "8080",
      APP_URL: "https://letters.example.org/",
      TRUSTED_PROXIES: "10.0.0.0/8, loopback",
      RESEND_API_KEY: "re_123",
      LOG_LEVEL: "warn",
    });
    expect(env.DATABASE_POOL_SIZE).toBe(25);
    expect(env.PORT).toBe(8080);
    expect(env.APP_URL).toBe("https://letters.example.org");
    expect(env.TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "loopback"]);
    expect(env.LOG_LEVEL).toBe("warn");
  });

  it("treats an empty variable as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", RESEND_API_KEY: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.RESEND_API_KEY).toBeUndefined();
  });

  it("names every bad variable with a clear message, all at once", () => {
    const found = problems({
      PORT: "eighty",
      DATABASE_URL: "mysql://x",
      DATABASE_POOL_SIZE: "0",
      APP_URL: "ftp://example.org",
      MAIL_FROM: "not an address",
      RESEND_API_KEY: "sk_live",
      IP_HASH_SECRET: "short",
      LOG_LEVEL: "loud",
      APP_ENV: "staging",
    });
    expect(found).toEqual(
      expect.arrayContaining([
        "PORT must be a number",
        "DATABASE_URL must start with postgres:// or postgresql://",
        "DATABASE_POOL_SIZE must be between 1 and 200",
        "APP_URL must be an http(s) URL",
        'MAIL_FROM must look like "Name <address@example.org>"',
        "RESEND_API_KEY must start with re_",
        "IP_HASH_SECRET must be at least 32 characters",
        "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
        "APP_ENV must be development, test or production",
      ]),
    );
    expect(found).toHaveLength(9);
  });

  it("requires real infrastructure and secrets in production", () => {
    expect(problems({ APP_ENV: "production" })).toEqual([
      "DATABASE_URL is required in production: the embedded PGlite database is for trying the app only",
      "APP_URL is required in production: links in emails are built from it",
      "RESEND_API_KEY is required in production: without it emails go to the dev mailbox",
      "RESEND_WEBHOOK_SECRET is required in production: bounces and complaints arrive through signed webhooks",
      "IP_HASH_SECRET is required in production: IP addresses are stored only as keyed hashes",
      "TOKEN_HMAC_SECRET is required in production: sign-in and confirmation codes are stored only as keyed hashes",
    ]);
    expect(problems({ APP_ENV: "production", APP_URL: "http://letters.example.org" })).toContain("APP_URL must be https in production");
    const env = parseEnv({
      APP_ENV: "production",
      DATABASE_URL: "postgresql://app@db/countersign",
      APP_URL: "https://letters.example.org",
      RESEND_API_KEY: "re_live",
      RESEND_WEBHOOK_SECRET: "whsec_abc",
      IP_HASH_SECRET: "x".repeat(32),
      TOKEN_HMAC_SECRET: "y".repeat(32),
    });
    expect(env.isProduction).toBe(true);
  });

  it("keys code hashes with TOKEN_HMAC_SECRET: a development default, at least 32 characters", () => {
    expect(parseEnv({}).TOKEN_HMAC_SECRET).toBe(DEV_TOKEN_HMAC_SECRET);
    expect(DEV_TOKEN_HMAC_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(parseEnv({ TOKEN_HMAC_SECRET: "z".repeat(40) }).TOKEN_HMAC_SECRET).toBe("z".repeat(40));
    expect(problems({ TOKEN_HMAC_SECRET: "short" })).toEqual(["TOKEN_HMAC_SECRET must be at least 32 characters"]);
  });

  it("serves the dev mailbox beyond loopback only when asked, and never in production", () => {
    expect(parseEnv({}).DEV_MAILBOX).toBe("auto");
    expect(parseEnv({ DEV_MAILBOX: "on" }).DEV_MAILBOX).toBe("on");
    expect(problems({ DEV_MAILBOX: "yes" })).toEqual(["DEV_MAILBOX must be auto, on or off"]);
    expect(problems({ APP_ENV: "production", DEV_MAILBOX: "on" })).toContain(
      "DEV_MAILBOX=on is refused in production: the dev mailbox shows sign-in codes to anyone",
    );
  });

  it("lists every variable it reads in .env.example", async () => {
    const { readFileSync } = await import("node:fs");
    const example = readFileSync(".env.example", "utf8");
    const listed = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(ENV_KEYS.length).toBeGreaterThan(10);
    expect(listed.sort()).toEqual([...ENV_KEYS].sort());
  });
});
