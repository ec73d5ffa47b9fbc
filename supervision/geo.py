"""Distances on the ground, and whether a point lies in a district (importer, admin and demo share this)."""

import math

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def offset_point(lat: float, lon: float, distance: float, bearing_deg: float) -> tuple[float, float]:
    """The point `distance` km from (lat, lon) on a bearing (flat-earth; fine at district scale)."""
    rad = math.radians(bearing_deg)
    dlat = distance * math.cos(rad) / 111.32
    dlon = distance * math.sin(rad) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def km_outside_district(district, lat: float, lon: float) -> float | None:
    """How many km the point lies beyond the district's approximate circle; None if inside or unknown.

    A district without a centre or radius cannot be checked and accepts any point.
    """
    if district.latitude is None or district.longitude is None or not district.radius_km:
        return None
    beyond = distance_km(lat, lon, district.latitude, district.longitude) - district.radius_km
    return round(beyond, 1) if beyond > 0 else None
