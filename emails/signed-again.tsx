import { Button, Heading, Text } from "react-email";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  letterTitle: z.string().min(1),
  /** The signer's manage token, when their signature is confirmed; otherwise no link is shown. */
  manageToken: z.string().min(16).nullable(),
});
export type SignedAgainProps = z.infer<typeof schema>;

export const subject = (p: SignedAgainProps) => `Someone tried to sign again with your address: ${p.letterTitle}`;

/** Sent to the owner of an address that was used again, instead of telling the visitor it had signed. */
export default function SignedAgain(props: SignedAgainProps) {
  return (
    <EmailLayout
      preview="Your address was used to sign the letter again"
      appUrl={props.appUrl}
      reason="You received this because this address has signed an open letter on Countersign."
    >
      <Heading style={styles.heading}>Your address was used again</Heading>
      <Text style={styles.text}>
        {`Someone just submitted the form for “${props.letterTitle}” with this email address. Each address signs once, so nothing changed.`}
      </Text>
      {props.manageToken ? (
        <>
          <Text style={styles.text}>If you want to change how your name appears, or withdraw it, use your own link:</Text>
          <Button href={`${props.appUrl}/manage/${props.manageToken}`} style={styles.button}>
            Manage your signature
          </Button>
        </>
      ) : (
        <Text style={styles.text}>If that was you, look for the earlier confirmation email and follow its link.</Text>
      )}
    </EmailLayout>
  );
}

SignedAgain.PreviewProps = {
  appUrl: "http://localhost:3000",
  letterTitle: "Stop running ICE recruitment ads on Spotify",
  manageToken: "preview-manage-token-000000001",
} satisfies SignedAgainProps;
