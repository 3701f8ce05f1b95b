import { Button, Heading, Text } from "react-email";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  token: z.string().min(16),
  code: z.string().length(6),
});
export type SignInProps = z.infer<typeof schema>;

export const subject = (p: SignInProps) => `Your Countersign sign-in code: ${p.code}`;

export default function SignIn(props: SignInProps) {
  return (
    <EmailLayout
      preview="Sign in to moderate Countersign"
      appUrl={props.appUrl}
      reason="You received this because someone asked to sign in to Countersign's moderation with this address."
    >
      <Heading style={styles.heading}>Sign in to Countersign</Heading>
      <Button href={`${props.appUrl}/admin/login/${props.token}`} style={styles.button}>
        Sign in
      </Button>
      <Text style={styles.text}>Or enter this code on the sign-in page:</Text>
      <Text style={styles.code}>{props.code}</Text>
      <Text style={styles.text}>The link and the code work once, for 15 minutes.</Text>
    </EmailLayout>
  );
}

SignIn.PreviewProps = {
  appUrl: "http://localhost:3000",
  token: "preview-sign-in-token-00000001",
  code: "482913",
} satisfies SignInProps;
