// Varied names for the benchmarks: a seeded PRNG over word lists with accents, so trigram search
// has real work to do. Shared by bench/public-list.ts and bench/million.ts.
import { COUNTRY_CODES } from "../app/domain/signatures/countries";
import { nameKey, searchKey } from "../app/domain/signatures/text";

export const FIRST = [
  "José",
  "Zoë",
  "Björk",
  "Sigur",
  "Søren",
  "Chloé",
  "Émilie",
  "Ólafur",
  "João",
  "Łukasz",
  "Maëlle",
  "Renée",
  "Anaïs",
  "Ingrid",
  "Nils",
  "Ana",
  "María",
  "Lucía",
  "Carlos",
  "Javier",
  "Pablo",
  "Mateo",
  "Sofía",
  "Valentina",
  "Camila",
  "Diego",
  "Andrés",
  "Fatima",
  "Amara",
  "Kwame",
  "Chidi",
  "Aisha",
  "Yusuf",
  "Omar",
  "Layla",
  "Noor",
  "Hiroshi",
  "Yuki",
  "Haruto",
  "Min-jun",
  "Seo-yeon",
  "Wei",
  "Mei",
  "Arjun",
  "Priya",
  "Ravi",
  "Anya",
  "Dmitri",
  "Olga",
  "Katarzyna",
  "Piotr",
  "Jan",
  "Eva",
  "Lena",
  "Jonas",
  "Felix",
  "Hannah",
  "Lukas",
  "Marta",
  "Giulia",
  "Marco",
  "Luca",
  "Francesca",
  "Sean",
  "Siobhán",
  "Aoife",
  "Niamh",
  "Liam",
  "Olivia",
  "Emma",
  "Noah",
  "James",
  "Sarah",
  "David",
  "Michael",
  "Laura",
  "Thomas",
  "Daniel",
  "Grace",
  "Ruby",
  "Oscar",
];
export const LAST = [
  "García",
  "Guðmundsdóttir",
  "Rós",
  "Müller",
  "Nørgaard",
  "O'Brien",
  "Jónsdóttir",
  "Fernández",
  "Kowalski",
  "Dubois",
  "Lefèvre",
  "Novák",
  "Dvořák",
  "Rossi",
  "Silva",
  "Gonçalves",
  "Nakamura",
  "Kim",
  "Park",
  "Okafor",
  "Mensah",
  "Haddad",
  "Petrović",
  "Ivanova",
  "Smith",
  "Jones",
  "Williams",
  "Brown",
  "Taylor",
  "Wilson",
  "Evans",
  "Thomas",
  "Johnson",
  "Martin",
  "Bernard",
  "Moreau",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Wagner",
  "Becker",
  "Hoffmann",
  "Lindqvist",
  "Andersson",
  "Johansson",
  "Hansen",
  "Larsen",
  "Virtanen",
  "Korhonen",
  "Yılmaz",
  "Kaya",
  "Demir",
  "López",
  "Martínez",
  "Rodríguez",
  "Sánchez",
  "Pérez",
  "Gómez",
  "Díaz",
  "Herrera",
  "Castillo",
  "Singh",
  "Patel",
  "Sharma",
  "Chen",
  "Wang",
  "Li",
  "Zhang",
  "Tanaka",
  "Suzuki",
  "Sato",
  "Nguyen",
  "Tran",
  "Adeyemi",
  "Abubakar",
  "Cohen",
  "Levi",
  "Murphy",
  "Kelly",
  "Walsh",
  "Byrne",
];
const BAND_SUFFIX = ["Trio", "Quartet", "Collective", "Ensemble", "Sound System", "& the Night Shift", "Orchestra", "Band", "Project", "Experience"];
const ADJECTIVES = [
  "Velvet",
  "Electric",
  "Silver",
  "Northern",
  "Midnight",
  "Golden",
  "Hollow",
  "Crimson",
  "Quiet",
  "Wild",
  "Paper",
  "Neon",
  "Broken",
  "Lunar",
  "Static",
  "Frozen",
  "Saint",
  "Blue",
];
export const NOUNS = [
  "Harbour",
  "Lanterns",
  "Foxes",
  "Echoes",
  "Rivers",
  "Satellites",
  "Orchards",
  "Tides",
  "Wolves",
  "Pines",
  "Parade",
  "Machines",
  "Daughters",
  "Comets",
  "Ghosts",
  "Atlas",
  "Mirrors",
  "Caravan",
];
export const LABEL_SUFFIX = ["Records", "Recordings", "Music", "Sounds", "Audio"];
const ROLES: [string, number][] = [
  ["musician", 55],
  ["songwriter", 15],
  ["producer", 12],
  ["dj", 8],
  ["podcaster", 3],
  ["engineer", 5],
  ["other", 2],
];
const COUNTRIES: [string, number][] = [
  ["US", 18],
  ["GB", 14],
  ["DE", 9],
  ["FR", 8],
  ["BR", 5],
  ["ES", 5],
  ["SE", 4],
  ["JP", 4],
  ["CA", 4],
  ["IT", 4],
  ["NO", 3],
  ["MX", 3],
  ["AU", 3],
  ["NL", 3],
  ["IS", 2],
  ["KR", 2],
  ["PL", 2],
  ["NG", 2],
  ["AR", 2],
  ["IE", 1],
  ["DK", 1],
  ["FI", 1],
  ["PT", 1],
  ["ZA", 1],
  ["IN", 1],
  ["TR", 1],
  ["CL", 1],
  ["CO", 1],
  ["GH", 1],
  ["NZ", 1],
];
for (const [code] of COUNTRIES) if (!COUNTRY_CODES.has(code)) throw new Error(`not a country code: ${code}`);

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let random = mulberry32(20261128);
/** Starts the sequence again, so every seeding (and every backend) gets the same names. */
export function resetNames(seed = 20261128): void {
  random = mulberry32(seed);
}
/** A number in [0, 1) from the same sequence. */
export const nextRandom = (): number => random();
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
function weighted(xs: [string, number][]): string {
  let r = random() * xs.reduce((s, [, w]) => s + w, 0);
  for (const [x, w] of xs) if ((r -= w) < 0) return x;
  return xs[xs.length - 1]![0];
}

export interface Batch {
  display: string[];
  skey: string[];
  nkey: string[];
  kind: string[];
  role: string[];
  country: string[];
  featured: boolean[];
  label: (string | null)[];
  agoSeconds: number[];
  signedHoursBefore: number[];
}

export function makeBatch(n: number, labelIds: string[]): Batch {
  const b: Batch = { display: [], skey: [], nkey: [], kind: [], role: [], country: [], featured: [], label: [], agoSeconds: [], signedHoursBefore: [] };
  for (let i = 0; i < n; i++) {
    const k = random();
    const kind = k < 0.03 ? "label" : k < 0.13 ? "roster" : "artist";
    const shape = random();
    const name =
      kind === "label"
        ? `${pick(NOUNS)} ${pick(LABEL_SUFFIX)}`
        : shape < 0.72
          ? `${pick(FIRST)} ${pick(LAST)}`
          : shape < 0.88
            ? `${pick(FIRST)} ${pick(LAST)} ${pick(BAND_SUFFIX)}`
            : shape < 0.985
              ? `${pick(ADJECTIVES)} ${pick(NOUNS)}`
              : pick(FIRST); // one-word names ("Björk")
    b.display.push(name);
    b.skey.push(searchKey(name));
    b.nkey.push(nameKey(name));
    b.kind.push(kind);
    b.role.push(kind === "label" ? "other" : weighted(ROLES));
    b.country.push(weighted(COUNTRIES));
    b.featured.push(random() < 0.02);
    b.label.push(kind === "roster" ? pick(labelIds) : null);
    b.agoSeconds.push(Math.floor(random() * 60 * 86_400));
    b.signedHoursBefore.push(Math.floor(random() * 72));
  }
  return b;
}
