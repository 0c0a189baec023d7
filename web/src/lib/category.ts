// A small tile per catalog category, shown as the product's thumbnail when the catalog
// has no image of its own: the category's short Korean name (text, not emoji, so it
// renders the same on every phone's fonts).

const THUMBS: Record<string, string> = {
  dairy: '유제품',
  eggs: '계란',
  bakery: '빵',
  beverages: '음료',
  frozen: '냉동',
  fruit: '과일',
  household: '생활',
  meat: '정육',
  noodles: '면',
  processed: '가공',
  rice_grains: '쌀',
  sauces: '양념',
  seafood: '수산',
  snacks: '과자',
  tofu_beans: '두부',
  vegetables: '채소',
};

export function categoryThumb(category: string | null | undefined): string {
  return (category && THUMBS[category]) || '장';
}
