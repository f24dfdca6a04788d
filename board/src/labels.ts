/** The board's words, in Russian, in one place. */
import type { OrderStatus, UserRole } from "./__generated__/operations";

export const STATUS_TITLE: Record<OrderStatus, string> = {
  NEW: "Новые",
  PAID: "Оплачены",
  ACCEPTED: "Приняты",
  ASSEMBLED: "Собраны",
  IN_DELIVERY: "В доставке",
  DELIVERED: "Доставлены сегодня",
  CANCELLED: "Отменены сегодня",
};

/** A status as a state of one order ("the order is …"). */
export const STATUS_NAME: Record<OrderStatus, string> = {
  NEW: "новый",
  PAID: "оплачен",
  ACCEPTED: "принят",
  ASSEMBLED: "собран",
  IN_DELIVERY: "в доставке",
  DELIVERED: "доставлен",
  CANCELLED: "отменён",
};

/** The button that moves an order on to this status. */
export const MOVE_TO: Record<OrderStatus, string> = {
  NEW: "Новый",
  PAID: "Оплачен",
  ACCEPTED: "Принять",
  ASSEMBLED: "Собран",
  IN_DELIVERY: "Везу",
  DELIVERED: "Доставлен",
  CANCELLED: "Отменить",
};

export const ROLE_NAME: Record<UserRole, string> = {
  ADMIN: "администратор",
  MANAGER: "менеджер",
  FLORIST: "флорист",
  COURIER: "курьер",
};

export const TEXT = {
  title: "Доска заказов",
  signInTitle: "Вход",
  email: "Эл. почта",
  password: "Пароль",
  signIn: "Войти",
  signOut: "Выйти",
  signingIn: "Входим…",
  badCredentials: "Неверная почта или пароль.",
  online: "На связи",
  connecting: "Подключаемся…",
  offline: "Нет связи — доска может быть неактуальной. Переподключаемся…",
  reloading: "Обновляем доску…",
  signedOut: "Сеанс закончился — войдите снова. Доска не обновляется.",
  expiresSoon: "Сеанс скоро закончится.",
  renew: "Продлить вход",
  open: "Открыть",
  close: "Закрыть",
  empty: "Нет заказов",
  noWindow: "без времени",
  recipient: "Получатель",
  card: "Открытка",
  courier: "Курьер",
  noCourier: "не назначен",
  pickup: "Самовывоз",
  assign: "Назначить",
  assignCourier: "назначить курьера",
  unassign: "Без курьера",
  unassignedFromYou: "снят с вас",
  courierDeactivated: "Этот курьер больше не работает. Выберите другого.",
  courierUnknown: "Такого курьера в магазине нет. Выберите другого.",
  address: "Адрес",
  comment: "Комментарий",
  total: "Сумма",
  history: "История",
  photoAlt: "Фото собранного букета",
  loadFailed: "Не удалось загрузить доску. Пробуем ещё раз…",
  genericError: "Не получилось. Попробуйте ещё раз.",
  forbidden: "Вашей роли это действие недоступно.",
  notFound: "Заказ не найден.",
  unavailable: "Сервер недоступен. Попробуйте через минуту.",
  tooMany: "Слишком много запросов. Подождите немного.",
  finished: "Завершены сегодня",
} as const;

/** "4 950 ₸" from tiyn. */
export function formatMoney(tiyn: number): string {
  return `${Math.floor(tiyn / 100)
    .toLocaleString("ru-RU")
    .replace(/\u00a0/g, " ")} ₸`;
}
