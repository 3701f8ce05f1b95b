import { Button, Text } from "react-email";
import { styles } from "./layout";

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** A confirmation link's button, the code beside it for people who will not click links, and until when both work. */
export function LinkAndCode({ href, code, expiresAt }: { href: string; code: string; expiresAt: string }) {
  return (
    <>
      <Button href={href} style={styles.button}>
        Review and confirm
      </Button>
      <Text style={styles.text}>Or open the confirmation page and enter this code:</Text>
      <Text style={styles.code}>{code}</Text>
      <Text style={styles.text}>{`The link and the code work until ${dateFormat.format(new Date(expiresAt))}.`}</Text>
    </>
  );
}
