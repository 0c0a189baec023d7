// A small picture per catalog category, shown as the product's thumbnail when the
// catalog has no image of its own (the sample catalog's categories).

const THUMBS: Record<string, string> = {
  dairy: '🥛',
  eggs: '🥚',
  bakery: '🍞',
  beverages: '🧃',
  frozen: '🧊',
  fruit: '🍎',
  household: '🧻',
  meat: '🥩',
  noodles: '🍜',
  processed: '🥫',
  rice_grains: '🍚',
  sauces: '🧂',
  seafood: '🐟',
  snacks: '🍪',
  tofu_beans: '🫘',
  vegetables: '🥬',
};

export function categoryThumb(category: string | null | undefined): string {
  return (category && THUMBS[category]) || '🛒';
}
