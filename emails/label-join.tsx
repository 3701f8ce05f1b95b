import { Heading, Text } from "react-email";
import { LinkAndCode } from "./_components/code";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { EmailLayout, styles } from "./_components/layout";

export const schema = z.object({
  appUrl: z.string().url(),
  repName: z.string().min(1),
  labelName: z.string().min(1),
  domain: z.string().min(1),
  /** The one-time join token; the link is built here from appUrl. */
  token: z.string().min(16),
  /** The 8-character code for people who will not click links. */
  code: z.string().length(8),
  expiresAt: z.string(),
});
export type LabelJoinProps = z.infer<typeof schema>;

export const subject = (p: LabelJoinProps, t: TFunction) => t("labelJoin.subject", { labelName: p.labelName });

export default function LabelJoin(props: LabelJoinProps) {
  const { t } = useTranslation("emails");
  return (
    <EmailLayout
      preview={t("labelJoin.preview", { domain: props.domain })}
      appUrl={props.appUrl}
      reason={t("labelJoin.reason", { labelName: props.labelName })}
    >
      <Heading style={styles.heading}>{t("labelJoin.heading", { repName: props.repName })}</Heading>
      <Text style={styles.text}>{t("labelJoin.body", { domain: props.domain, labelName: props.labelName })}</Text>
      <LinkAndCode href={`${props.appUrl}/labels/confirm/${props.token}`} code={props.code} expiresAt={props.expiresAt} />
    </EmailLayout>
  );
}

LabelJoin.PreviewProps = {
  appUrl: "http://localhost:3000",
  repName: "Jordan Reyes",
  labelName: "Fat Possum Records",
  domain: "fatpossum.com",
  token: "preview-join-token-000000000001",
  code: "K7M2Q9XD",
  expiresAt: "2026-12-05T12:00:00.000Z",
} satisfies LabelJoinProps;
