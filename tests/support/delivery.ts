import { sql } from "kysely";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { nameKey, searchKey } from "../../app/domain/signatures/text";
import type { Db } from "../../db/client";

/** Names in many scripts, unique by construction: each first name with each family name. */
export const SCRIPT_NAMES: Record<string, { first: string[]; last: string[] }> = {
  arabic: {
    first: ["محمد", "فاطمة", "أحمد", "ليلى", "يوسف", "مريم", "عمر", "نور", "خالد", "سارة"],
    last: [
      "الحسيني",
      "منصور",
      "العطار",
      "حداد",
      "الخوري",
      "سليمان",
      "قاسم",
      "ناصر",
      "عيسى",
      "الشامي",
      "بركات",
      "عباس",
      "جبران",
      "الأمين",
      "رزق",
      "صباغ",
      "فرحات",
      "غانم",
      "حلبي",
      "زيدان",
    ],
  },
  chinese: {
    first: ["王菲", "周杰伦", "邓紫棋", "林俊杰", "陈奕迅", "张学友", "蔡依林", "刘若英", "李健", "朴树"],
    last: ["乐队", "合唱团", "工作室", "与朋友", "三重奏"],
  },
  japanese: {
    first: ["宇多田", "椎名", "坂本", "久石", "細野"],
    last: ["ヒカル", "林檎", "龍一", "譲", "晴臣", "さくら", "みどり", "かおる", "ゆうこ", "あきら"],
  },
  korean: {
    first: ["아이유", "태연", "지민", "윤하", "이적"],
    last: ["밴드", "트리오", "오케스트라", "프로젝트", "사운드", "크루", "듀오", "앙상블", "스튜디오", "하우스"],
  },
  cyrillic: {
    first: ["Пётр", "Анна", "Дмитрий", "Ольга", "Сергей", "Мария", "Иван", "Елена", "Алексей", "Наталья"],
    last: [
      "Чайковский",
      "Рахманинова",
      "Шостакович",
      "Земфира",
      "Гребенщиков",
      "Пугачёва",
      "Цой",
      "Меладзе",
      "Лазарев",
      "Агутин",
      "Земляков",
      "Бутусов",
      "Шевчук",
      "Кинчев",
      "Сукачёв",
    ],
  },
  greek: {
    first: ["Ανδρέας", "Ελένη", "Γιώργος", "Μαρία", "Νίκος", "Δήμητρα", "Κώστας", "Σοφία", "Γιάννης", "Αθηνά"],
    last: [
      "Παπαδόπουλος",
      "Βαγγέλης",
      "Θεοδωράκης",
      "Χατζιδάκις",
      "Μούσχουρη",
      "Αλεξίου",
      "Νταλάρας",
      "Γαλάνη",
      "Πρωτοψάλτη",
      "Ρέμος",
      "Μαζωνάκης",
      "Βίσση",
      "Καρβέλας",
      "Ρουβάς",
      "Αρβανιτάκη",
    ],
  },
  devanagari: {
    first: ["अनुष्का", "रवि", "लता", "आशा", "ज़ाकिर", "हरिप्रसाद", "शिव", "किशोरी", "भीमसेन", "गिरिजा"],
    last: ["शंकर", "मंगेशकर", "भोसले", "हुसैन", "चौरसिया", "शर्मा", "आमोनकर", "जोशी", "देवी", "कुमार", "पंडित", "गुप्ता", "वर्मा", "सिंह", "राव"],
  },
  hebrew: {
    first: ["דוד", "נועה", "אריק", "שלמה", "יהורם", "עפרה", "אביב", "רונה", "מתי", "חוה"],
    last: ["ברוזה", "קירל", "איינשטיין", "ארצי", "גאון", "חזה", "גפן", "קינן", "כספי", "אלברשטיין"],
  },
};

/** `count` names of one script (at most first × last). */
export function scriptNames(script: keyof typeof SCRIPT_NAMES, count: number): string[] {
  const { first, last } = SCRIPT_NAMES[script]!;
  const names: string[] = [];
  for (const f of first) for (const l of last) if (names.length < count) names.push(`${f} ${l}`);
  if (names.length < count) throw new Error(`only ${names.length} ${script} names`);
  return names;
}

/** Inserts signatures with these names in one statement (approved unless told), as the signing flow leaves them. */
export async function seedNames(
  db: Db,
  letter: { letterId: number; versionId: number },
  names: string[],
  { state = "approved", named = true, prefix = "n" }: { state?: string; named?: boolean; prefix?: string } = {},
) {
  const stamp = `${prefix}.${Date.now().toString(36)}`;
  await sql`
    insert into signatures (letter_id, letter_version_id, kind, state, display_name, name_key, search_key, role, country,
                            email, email_normalized, email_domain, ip_hash, consent_public, attested, named, confirmed_at, approved_at)
    select ${letter.letterId}, ${letter.versionId}, 'artist', ${state}, t.name, t.name_key || ' ' || t.g, t.search_key,
           (array['musician','songwriter','producer','dj'])[1 + t.g % 4], (array['GB','EG','JP','KR','GR','IN','IL','UA'])[1 + t.g % 8],
           ${stamp} || t.g || '@private-mail.test', ${stamp} || t.g || '@private-mail.test', 'private-mail.test', md5(${stamp} || t.g),
           ${named}, true, ${named}, now() - interval '2 days',
           case when ${state} = 'approved' then now() - make_interval(secs => t.g::double precision) end
    from unnest(${names}::text[], ${names.map(nameKey)}::text[], ${names.map(searchKey)}::text[]) with ordinality as t(name, name_key, search_key, g)`.execute(
    db,
  );
}

export interface PdfText {
  /** Each line of each page, its pieces joined. */
  lines: string[];
  pages: number;
}

/** The text of a PDF as pdf.js (Mozilla's viewer) extracts it: the same a reader's copy and search would give. */
export async function pdfText(bytes: Uint8Array): Promise<PdfText> {
  const pdf = await getDocument({ data: bytes.slice(), disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  const lines: string[] = [];
  for (let p = 1; p <= pdf.numPages; p++) {
    const page = await pdf.getPage(p);
    const content = await page.getTextContent();
    let line = "";
    for (const item of content.items) {
      if (!("str" in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = "";
      }
    }
    if (line) lines.push(line);
    page.cleanup();
  }
  const pages = pdf.numPages;
  await pdf.destroy();
  return { lines, pages };
}
