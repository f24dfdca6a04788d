/** Deterministic demo data of two flower shops, in Russian, as the business writes it. */

export const SHOPS = [
  { id: 8, name: "Цветы (разработка)", slug: "cvety-dev", emailDomain: "dev.cvety.kz", bitrix: false },
  { id: 17008, name: "Cvety.kz", slug: "cvety-kz", emailDomain: "cvety.kz", bitrix: true },
] as const;

export const ROLE_PASSWORDS = {
  ADMIN: "admin-dev-password",
  MANAGER: "manager-dev-password",
  FLORIST: "florist-dev-password",
  COURIER: "courier-dev-password",
} as const;

export const WAREHOUSE_ITEMS = [
  { key: "rose-red", name: "Роза красная 60 см", unit: "STEM", costPerUnit: 45000, quantity: 400, minQuantity: 100 },
  { key: "rose-white", name: "Роза белая 60 см", unit: "STEM", costPerUnit: 45000, quantity: 250, minQuantity: 80 },
  { key: "rose-pink", name: "Роза розовая 50 см", unit: "STEM", costPerUnit: 40000, quantity: 300, minQuantity: 80 },
  { key: "rose-bush", name: "Роза кустовая", unit: "STEM", costPerUnit: 55000, quantity: 120, minQuantity: 40 },
  { key: "peony", name: "Пион розовый", unit: "STEM", costPerUnit: 90000, quantity: 60, minQuantity: 30 },
  { key: "tulip", name: "Тюльпан", unit: "STEM", costPerUnit: 25000, quantity: 500, minQuantity: 100 },
  {
    key: "chrysanthemum",
    name: "Хризантема кустовая",
    unit: "STEM",
    costPerUnit: 30000,
    quantity: 150,
    minQuantity: 40,
  },
  { key: "eustoma", name: "Эустома", unit: "STEM", costPerUnit: 50000, quantity: 90, minQuantity: 30 },
  { key: "gerbera", name: "Гербера", unit: "STEM", costPerUnit: 35000, quantity: 110, minQuantity: 30 },
  { key: "lily", name: "Лилия белая", unit: "STEM", costPerUnit: 70000, quantity: 45, minQuantity: 20 },
  { key: "hydrangea", name: "Гортензия голубая", unit: "STEM", costPerUnit: 120000, quantity: 25, minQuantity: 10 },
  { key: "alstroemeria", name: "Альстромерия", unit: "STEM", costPerUnit: 30000, quantity: 140, minQuantity: 40 },
  { key: "gypsophila", name: "Гипсофила", unit: "BUNCH", costPerUnit: 150000, quantity: 20, minQuantity: 8 },
  { key: "eucalyptus", name: "Эвкалипт", unit: "STEM", costPerUnit: 20000, quantity: 200, minQuantity: 50 },
  { key: "ruscus", name: "Рускус", unit: "STEM", costPerUnit: 15000, quantity: 180, minQuantity: 50 },
  { key: "pistache", name: "Писташ", unit: "STEM", costPerUnit: 18000, quantity: 5, minQuantity: 40 },
  { key: "ribbon", name: "Лента атласная", unit: "METRE", costPerUnit: 5000, quantity: 300, minQuantity: 50 },
  { key: "kraft", name: "Крафт-бумага", unit: "METRE", costPerUnit: 12000, quantity: 120, minQuantity: 30 },
  { key: "film", name: "Плёнка матовая", unit: "METRE", costPerUnit: 10000, quantity: 90, minQuantity: 30 },
  { key: "hatbox", name: "Коробка шляпная", unit: "PIECE", costPerUnit: 250000, quantity: 30, minQuantity: 10 },
  { key: "basket", name: "Корзина плетёная", unit: "PIECE", costPerUnit: 300000, quantity: 12, minQuantity: 5 },
  { key: "card", name: "Открытка", unit: "PIECE", costPerUnit: 3000, quantity: 500, minQuantity: 100 },
] as const;

export type WarehouseKey = (typeof WAREHOUSE_ITEMS)[number]["key"];

/** Bouquet families: name pattern, main flower, greenery and wrapping per stem count. */
export const BOUQUETS: {
  name: string;
  flower: WarehouseKey;
  extras: [WarehouseKey, number][];
  counts: number[];
  description: string;
}[] = [
  {
    name: "Букет из {n} красных роз",
    flower: "rose-red",
    extras: [
      ["eucalyptus", 3],
      ["ribbon", 1],
      ["kraft", 1],
    ],
    counts: [5, 11, 15, 25, 51, 101],
    description: "Классические красные розы 60 см, упакованы в крафт.",
  },
  {
    name: "Розы «Нежность», {n} шт",
    flower: "rose-pink",
    extras: [
      ["gypsophila", 1],
      ["ribbon", 1],
      ["film", 1],
    ],
    counts: [9, 15, 25, 35],
    description: "Розовые розы с гипсофилой в матовой плёнке.",
  },
  {
    name: "Белые розы «Невеста», {n} шт",
    flower: "rose-white",
    extras: [
      ["ruscus", 3],
      ["ribbon", 1],
    ],
    counts: [7, 15, 21, 51],
    description: "Белые розы с рускусом: для свадьбы и признания.",
  },
  {
    name: "Кустовые розы в коробке, {n} веток",
    flower: "rose-bush",
    extras: [
      ["hatbox", 1],
      ["pistache", 2],
    ],
    counts: [9, 15, 25],
    description: "Кустовые розы в шляпной коробке.",
  },
  {
    name: "Пионы «Утро», {n} шт",
    flower: "peony",
    extras: [
      ["eucalyptus", 2],
      ["kraft", 1],
      ["ribbon", 1],
    ],
    counts: [5, 7, 11, 15],
    description: "Сезонные розовые пионы с эвкалиптом.",
  },
  {
    name: "Тюльпаны «Весна», {n} шт",
    flower: "tulip",
    extras: [
      ["ribbon", 1],
      ["film", 1],
    ],
    counts: [11, 25, 51, 101],
    description: "Яркие тюльпаны к празднику.",
  },
  {
    name: "Хризантемы «Солнце», {n} веток",
    flower: "chrysanthemum",
    extras: [
      ["ruscus", 2],
      ["kraft", 1],
    ],
    counts: [5, 9, 15],
    description: "Кустовые хризантемы, стоят до трёх недель.",
  },
  {
    name: "Эустома «Акварель», {n} шт",
    flower: "eustoma",
    extras: [
      ["eucalyptus", 2],
      ["film", 1],
    ],
    counts: [7, 11, 15],
    description: "Эустома нежных оттенков.",
  },
  {
    name: "Герберы «Радуга», {n} шт",
    flower: "gerbera",
    extras: [
      ["ruscus", 2],
      ["ribbon", 1],
    ],
    counts: [5, 9, 15],
    description: "Разноцветные герберы.",
  },
  {
    name: "Лилии «Аромат», {n} шт",
    flower: "lily",
    extras: [
      ["pistache", 2],
      ["kraft", 1],
    ],
    counts: [3, 5, 7],
    description: "Белые лилии с писташем.",
  },
  {
    name: "Гортензия «Облако», {n} шт",
    flower: "hydrangea",
    extras: [
      ["ribbon", 1],
      ["film", 1],
    ],
    counts: [1, 3, 5],
    description: "Пышные голубые гортензии.",
  },
  {
    name: "Альстромерии в корзине, {n} шт",
    flower: "alstroemeria",
    extras: [
      ["basket", 1],
      ["eucalyptus", 3],
    ],
    counts: [11, 21, 31],
    description: "Альстромерии в плетёной корзине.",
  },
];

export const FIRST_NAMES = [
  "Айгерим",
  "Алия",
  "Дана",
  "Мадина",
  "Асель",
  "Жанна",
  "Ольга",
  "Екатерина",
  "Анна",
  "Динара",
  "Арман",
  "Ерлан",
  "Нурлан",
  "Сергей",
  "Дмитрий",
  "Алихан",
  "Тимур",
  "Бауыржан",
  "Мария",
  "Светлана",
];
export const LAST_NAMES = [
  "Ахметова",
  "Нурланова",
  "Иванова",
  "Сейткали",
  "Жумабаева",
  "Ким",
  "Петрова",
  "Касымова",
  "Омарова",
  "Смирнова",
  "Абенов",
  "Тулегенов",
  "Ли",
  "Кузнецов",
  "Садыков",
];
export const STREETS = [
  "пр. Абая",
  "ул. Толе би",
  "пр. Достык",
  "ул. Жандосова",
  "пр. Аль-Фараби",
  "ул. Сатпаева",
  "мкр. Самал-2",
  "ул. Кабанбай батыра",
  "пр. Назарбаева",
  "ул. Фурманова",
];
export const CARD_TEXTS = [
  "С днём рождения!",
  "Люблю тебя",
  "С праздником, мама!",
  "Спасибо за всё",
  "Поздравляю с юбилеем!",
  null,
  null,
];
export const COMMENTS = [
  "Позвонить за час до доставки",
  "Не звонить получателю, сюрприз",
  "Оставить у консьержа",
  null,
  null,
  null,
];

/** users the working day's seed adds to each shop after its role users (a second courier, seed-working-day.ts) */
export const EXTRA_SEEDED_USERS_PER_SHOP = 1;

/**
 * The id the seed gives the demo user of a shop and role on a fresh database: users are created
 * shop by shop (SHOPS order), one per role (ROLE_PASSWORDS order), then the shop's extra users.
 * Dev tokens (`npm run token`) and the bench name this user, since the router accepts tokens of
 * existing users only; scripts/token.test.ts checks it against a seeded database.
 */
export function seededUserId(shopId: number, role: keyof typeof ROLE_PASSWORDS): number | null {
  const shopIndex = SHOPS.findIndex((shop) => shop.id === shopId);
  const roles = Object.keys(ROLE_PASSWORDS);
  return shopIndex < 0 ? null : shopIndex * (roles.length + EXTRA_SEEDED_USERS_PER_SHOP) + roles.indexOf(role) + 1;
}
