"""Finding the kelurahan an address names, as Open311 requests write it."""

from __future__ import annotations

import pytest

from features.open311.addresses import Place, find_village
from features.open311.normalize import city_places
from hub.areas import AreaDirectory

WENANG_UTARA, SARIO_UTARA, SARIO = "71.71.04.1005", "71.71.06.1001", "71.71.06.1004"


@pytest.fixture(scope="module")
def manado() -> dict[str, tuple[Place, ...]]:
    return city_places(AreaDirectory(), "71.71")


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("Jl. Sam Ratulangi No. 12, Kel. Wenang Utara, Kec. Wenang, Kota Manado", WENANG_UTARA),
        ("Jl. Sam Ratulangi No. 12, Kelurahan  WENANG UTARA, Kecamatan Wenang", WENANG_UTARA),
        ("Jl. Bethesda 3, Sario Utara, Sario, Manado", SARIO_UTARA),
        ("Jl. Bethesda 3, Sario, Sario", SARIO),
        ("Jl. Bethesda 3, Kel. Sario, Kec. Sario", SARIO),
    ],
)
def test_the_kelurahan_part_of_an_address_is_found(manado, address: str, code: str) -> None:
    assert find_village(address, manado) == code


@pytest.mark.parametrize(
    "address",
    [
        None,
        "",
        "Jl. Wenang Utara No. 5 dekat pasar",
        "Jl. Sam Ratulangi, Kec. Wenang, Kota Manado",
        "Jl. Sam Ratulangi, Wenang Utara, Sario Utara",
    ],
)
def test_an_address_naming_no_single_kelurahan_resolves_to_none(manado, address) -> None:
    assert find_village(address, manado) is None


def test_a_name_shared_by_two_kelurahan_is_told_apart_by_the_kecamatan_or_city() -> None:
    north = Place("32.01.01.2001", "Sukamaju", "Cibinong", "Kabupaten Bogor")
    south = Place("32.73.02.1001", "Sukamaju", "Coblong", "Kota Bandung")
    places = {"sukamaju": (north, south)}

    assert find_village("Jl. Melati 1, Desa Sukamaju", places) is None
    assert find_village("Jl. Melati 1, Desa Sukamaju, Kec. Cibinong", places) == north.code
    assert find_village("Jl. Melati 1, Sukamaju, Bandung", places) == south.code
