"""A large accounting export in the sample's format (Windows-1251, ``;``, decimal comma, dd.mm.yyyy)."""

from __future__ import annotations


def accounting_export(lines: int) -> bytes:
    """``lines`` distinct lines, some naming a request, one in fifty broken (a non-number amount)."""
    out = ["Дата;Номер документа;Контрагент;Сумма;Счет;Статья;Комментарий"]
    for n in range(lines):
        amount = "abc" if n % 50 == 49 else f"{(n % 9000) + 1} {n % 1000:03d},{n % 100:02d}"
        comment = f"Оплата по заявке FR-2027-{n % 9999 + 1:04d}" if n % 3 else "без заявки"
        out.append(
            f'{n % 28 + 1:02d}.{n % 12 + 1:02d}.2027;0000-{n:07d};ООО "Поставщик {n % 500}";{amount};'
            f"44.01.{n % 7 + 1};Контекстная реклама;{comment}"
        )
    return ("\r\n".join(out) + "\r\n").encode("cp1251")
