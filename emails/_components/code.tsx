import { Button, Text } from "react-email";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../app/utils/format";
import { styles } from "./layout";

/** A confirmation link's button, the code beside it for people who will not click links, and until when both work. */
export function LinkAndCode({ href, code, expiresAt }: { href: string; code: string; expiresAt: string }) {
  const { t, i18n } = useTranslation("emails");
  return (
    <>
      <Button href={href} style={styles.button}>
        {t("linkAndCode.button")}
      </Button>
      <Text style={styles.text}>{t("linkAndCode.orCode")}</Text>
      <Text style={styles.code}>{code}</Text>
      <Text style={styles.text}>{t("linkAndCode.until", { date: formatDate(expiresAt, i18n.language) })}</Text>
    </>
  );
}
