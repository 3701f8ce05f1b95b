import { z } from "zod";

/**
 * The message of any refused input whose schema gave none of its own: a person's words, never
 * zod's defaults ("Invalid input: expected string, received array"), which a hand-made or repeated
 * field would otherwise show next to a form. Every schema.ts imports this module, so the browser
 * (conform) and the server say the same.
 */
z.config({
  customError: (issue) => {
    switch (issue.code) {
      case "invalid_type":
        if (Array.isArray(issue.input)) return "generic.repeated";
        if (issue.input === undefined) return "generic.missing";
        return "generic.wrongType";
      case "invalid_union":
        return "generic.useButtons";
      case "invalid_value":
        return "generic.chooseOption";
      case "too_small":
        return "generic.tooShort";
      case "too_big":
        return "generic.tooLong";
      default:
        return "generic.check";
    }
  },
});
