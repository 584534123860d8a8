"""Per-tenant safety policy: what each category does (block, flag or allow) and whether answers are
masked for personal data. Lives in config under `safety:` (shared by the parser and the planner):

```yaml
safety:
  enabled: true
  default:                       # every tenant without its own entry
    categories: {injection: block, jailbreak: block, harm: block, hate: block,
                 secrets: block, cross_tenant: block, destructive: block}
    mask_pii: true
    pii_types: [phone, email, cn_id, bank_card]
  tenants:
    acme:                        # only what differs from `default`
      categories: {destructive: flag}   # acme's admins may ask for bulk deletes; the guard records them
      mask_pii: false                   # acme's answers may carry personal data
```

`block` ends the task with status `blocked` before any step runs; `flag` lets it run and records the
category (metric, span attribute); `allow` does neither.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .categories import HOSTILE, Category

Action = Literal["block", "flag", "allow"]
PiiType = Literal["phone", "email", "cn_id", "bank_card"]
PII_TYPES: tuple[PiiType, ...] = ("phone", "email", "cn_id", "bank_card")


def _all_block() -> dict[Category, Action]:
    return dict.fromkeys(HOSTILE, "block")


class SafetyPolicy(BaseModel):
    """One tenant's effective policy."""

    categories: dict[Category, Action] = Field(
        default_factory=_all_block,
        description="Per hostile category: `block` (status blocked, nothing runs), `flag` (runs, recorded) or "
        "`allow`. A category not listed blocks.",
        examples=[{"destructive": "flag"}],
    )
    mask_pii: bool = Field(True, description="Mask personal data (pii_types) in answers.")
    pii_types: list[PiiType] = Field(default_factory=lambda: list(PII_TYPES),
                                     description="Which kinds of personal data are masked.")

    def action(self, category: Category) -> Action:
        if category is Category.BENIGN:
            return "allow"
        return self.categories.get(category, "block")


class TenantOverride(BaseModel):
    """What a tenant changes from the default policy; fields left out keep the default."""

    categories: dict[Category, Action] = Field(default_factory=dict)
    mask_pii: bool | None = None
    pii_types: list[PiiType] | None = None


class SafetyConfig(BaseModel):
    """The `safety:` section of the configuration."""

    enabled: bool = Field(True, description="Run the input and output guards at all.")
    semantic: bool = Field(
        True,
        description="Ask the semantic layer (the multilingual encoder and a linear head) about requests the "
        "rules leave open and the n-gram classifier finds suspect.",
    )
    default: SafetyPolicy = Field(default_factory=SafetyPolicy, description="Policy of every tenant.")
    tenants: dict[str, TenantOverride] = Field(
        default_factory=dict,
        description="Per-tenant differences from `default`, keyed by tenant id.",
        examples=[{"acme": {"categories": {"destructive": "flag"}, "mask_pii": False}}],
    )

    def policy_for(self, tenant: str) -> SafetyPolicy:
        override = self.tenants.get(tenant)
        if override is None:
            return self.default
        return SafetyPolicy(
            categories={**self.default.categories, **override.categories},
            mask_pii=self.default.mask_pii if override.mask_pii is None else override.mask_pii,
            pii_types=self.default.pii_types if override.pii_types is None else override.pii_types,
        )
