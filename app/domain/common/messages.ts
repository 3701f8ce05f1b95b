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
        if (Array.isArray(issue.input)) return "This field was sent more than once: use the form on the page";
        if (issue.input === undefined) return "This field is missing: use the form on the page";
        return "This field has the wrong kind of value: use the form on the page";
      case "invalid_union":
        return "Use one of the buttons on the page";
      case "invalid_value":
        return "Choose one of the options on the page";
      case "too_small":
        return "This is too short";
      case "too_big":
        return "This is too long";
      default:
        return "Check this field";
    }
  },
});
