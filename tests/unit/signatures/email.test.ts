import { describe, expect, it } from "vitest";
import { FREEMAIL_DOMAINS, emailDomain, normaliseEmail } from "../../../app/domain/signatures/email";

describe("normaliseEmail", () => {
  it("folds case in the local part and the domain", () => {
    expect(normaliseEmail("Press@Label.Example")).toBe("press@label.example");
  });

  it("removes dots and the +tag from a Gmail address", () => {
    expect(normaliseEmail("Jane.Doe+letters@GMail.com")).toBe("janedoe@gmail.com");
    expect(normaliseEmail("j.a.n.e.d.o.e@gmail.com")).toBe("janedoe@gmail.com");
    expect(normaliseEmail("janedoe+a+b@gmail.com")).toBe("janedoe@gmail.com");
  });

  it("treats googlemail.com as gmail.com", () => {
    expect(normaliseEmail("Jane.Doe+x@GoogleMail.com")).toBe("janedoe@gmail.com");
    expect(normaliseEmail("jane.doe@googlemail.com")).toBe(normaliseEmail("janedoe@gmail.com"));
  });

  it.each(["outlook.com", "hotmail.com", "icloud.com"])("removes the +tag but keeps dots at %s", (domain) => {
    expect(normaliseEmail(`Jane.Doe+letters@${domain.toUpperCase()}`)).toBe(`jane.doe@${domain}`);
  });

  it("leaves other providers' addresses alone apart from case", () => {
    expect(normaliseEmail("Jane.Doe+letters@Yahoo.com")).toBe("jane.doe+letters@yahoo.com");
    expect(normaliseEmail("press+x@label.example")).toBe("press+x@label.example");
    expect(normaliseEmail("first.last@label.example")).toBe("first.last@label.example");
  });

  it("does not let a lookalike domain borrow Gmail's rules", () => {
    expect(normaliseEmail("jane.doe+x@gmail.com.example")).toBe("jane.doe+x@gmail.com.example");
    expect(normaliseEmail("jane.doe+x@notgmail.com")).toBe("jane.doe+x@notgmail.com");
  });
});

describe("emailDomain", () => {
  it("returns the lower-cased part after the @", () => {
    expect(emailDomain("Jane@Label.Example")).toBe("label.example");
  });

  it("uses the last @", () => {
    expect(emailDomain('"a@b"@label.example')).toBe("label.example");
  });

  it("maps googlemail.com to gmail.com", () => {
    expect(emailDomain("jane@GoogleMail.com")).toBe("gmail.com");
  });
});

describe("FREEMAIL_DOMAINS", () => {
  it("contains the big free providers", () => {
    for (const domain of ["gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "icloud.com", "yahoo.com"]) {
      expect(FREEMAIL_DOMAINS.has(domain)).toBe(true);
    }
  });

  it("does not contain a label's own domain", () => {
    expect(FREEMAIL_DOMAINS.has("label.example")).toBe(false);
    expect(FREEMAIL_DOMAINS.has("warp.net")).toBe(false);
  });
});
