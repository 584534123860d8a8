"""Safety guards (issue 20): input, retrieved-content and output checks in Chinese and English.

A library package: it imports numpy and pydantic, never a service. The parts, in the order a request
meets them:

- `normalise`  the forms a text is read in (full-width, look-alikes, zero-width, spacing, leetspeak,
               base64 and other encodings, pinyin, ROT13, reversed);
- `rules`      Chinese and English patterns per category, with the look-alikes they must let pass;
- `classifier` a linear model over hashed n-grams (weights in `data/classifier.npz`, trained by
               scripts/train_safety.py);
- `content`    retrieved text and tool output: instruction-like sentences removed, data delimited;
- `pii`        phone, e-mail, resident ID (checksum) and bank card (Luhn) recognisers and masking;
- `policy`     per-tenant block / flag / allow per category, and PII masking;
- `guard`      the facade: `Guard.check_input`, `Guard.guard_content`, `Guard.check_output`.
"""

from .categories import HOSTILE, Category, replaced_message, safe_message
from .content import DATA_PREAMBLE, DATA_PREAMBLE_ZH, data_block, delimit
from .guard import Guard, InputVerdict, OutputVerdict, configured_secrets
from .pii import find_pii, mask_pii
from .policy import Action, SafetyConfig, SafetyPolicy, TenantOverride

__all__ = [
    "DATA_PREAMBLE",
    "DATA_PREAMBLE_ZH",
    "HOSTILE",
    "Action",
    "Category",
    "Guard",
    "InputVerdict",
    "OutputVerdict",
    "SafetyConfig",
    "SafetyPolicy",
    "TenantOverride",
    "configured_secrets",
    "data_block",
    "delimit",
    "find_pii",
    "mask_pii",
    "replaced_message",
    "safe_message",
]
