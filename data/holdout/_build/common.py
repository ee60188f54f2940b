"""Helpers shared by the record parts (hold-out set, hand-written)."""
REC = []

def R(title, doc_number, doc_type, division, agency, date, marking, source, body,
      category, exemption, secrecy, column, basis, note=None):
    REC.append(dict(title=title, doc_number=doc_number, doc_type=doc_type, division=division,
                    agency=agency, date=date, secrecy_marking=marking, source=source,
                    body=body.strip("\n"),
                    labels=dict(category=category, exemption=exemption, secrecy=secrecy, column=column),
                    basis=basis, note=note if note is not None else ""))

_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_C = "10X98765432"

def rid(first17):
    """Resident ID (GB 11643-1999) with a valid check digit."""
    assert len(first17) == 17 and first17.isdigit()
    return first17 + _C[sum(int(a) * w for a, w in zip(first17, _W)) % 11]

def luhn(prefix):
    """Bank card number: prefix + Luhn check digit."""
    digits = [int(c) for c in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)
