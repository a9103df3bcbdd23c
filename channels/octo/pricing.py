"""octo/pricing: amounts are integers in minor units, with the currency's precision."""

from functools import lru_cache

from babel.numbers import get_currency_precision

from channels.octo.schemas import Pricing, PricingUnit


@lru_cache(maxsize=64)
def currency_precision(currency: str) -> int:
    try:
        return get_currency_precision(currency)
    except Exception:  # unknown code: ISO 4217's usual two decimals
        return 2


def pricing(amount: int, currency: str) -> Pricing:
    return Pricing(
        original=amount, retail=amount, net=None, currency=currency,
        currencyPrecision=currency_precision(currency), includedTaxes=[],
    )


def unit_pricing(unit_id: str, amount: int, currency: str) -> PricingUnit:
    return PricingUnit(
        unitId=unit_id, original=amount, retail=amount, net=None, currency=currency,
        currencyPrecision=currency_precision(currency), includedTaxes=[],
    )
