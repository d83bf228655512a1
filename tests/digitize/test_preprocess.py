"""Each preprocessing stage alone, against pages whose degradation is known."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from digitize.preprocess import (
    Transform,
    detect_blank,
    detect_orientation,
    estimate_skew,
    find_page_quad,
    normalise_background,
    prepare,
    rotate_image,
    suppress_coloured_ink,
    warp_to_quad,
)

from ..pages import (
    add_blue_pen,
    add_red_seal,
    document_page,
    photographed,
    tilt,
    turn,
    uneven_light,
)


def grey(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


@pytest.fixture(scope="module")
def page():
    return document_page(150)


# -- deskew ---------------------------------------------------------------------------

@pytest.mark.parametrize("angle", [-5.7, -2.3, -0.6, 0.4, 1.9, 4.6])
def test_deskew_recovers_a_known_angle_within_a_fifth_of_a_degree(page, angle):
    # REGULATIONS 9.A.6 (legible copy): tilted scans are straightened for reading.
    found = estimate_skew(grey(tilt(page, angle).image))
    assert abs(found - angle) <= 0.2, (angle, found)


def test_deskew_sees_no_tilt_on_a_straight_page(page):
    assert abs(estimate_skew(grey(page.image))) <= 0.1


def test_deskew_ignores_a_dark_scanner_lid_in_the_corners(page):
    tilted = grey(tilt(page, 4.0).image).copy()
    # What a scanner shows where the rotated sheet does not cover the glass.
    lid = np.asarray(Image.new("L", page.image.size, 255).rotate(4.0, fillcolor=0)) == 0
    tilted[lid] = 70
    assert abs(estimate_skew(tilted) - 4.0) <= 0.2


def test_deskew_of_an_empty_page_is_zero():
    assert estimate_skew(np.full((1000, 700), 255, np.uint8)) == 0.0


def test_rotating_back_by_the_estimate_levels_the_lines(page):
    tilted = grey(tilt(page, 3.1).image)
    straight = rotate_image(tilted, -estimate_skew(tilted))
    assert abs(estimate_skew(straight)) <= 0.1


# -- orientation ----------------------------------------------------------------------

@pytest.mark.parametrize("quarter", [0, 90, 180, 270])
def test_orientation_detects_each_quarter_turn(page, quarter):
    guess = detect_orientation(grey(turn(page, quarter).image))
    assert guess.turn == quarter
    assert guess.confidence >= 0.5


@pytest.mark.parametrize("quarter", [90, 270])
def test_orientation_of_a_tilted_sideways_page(page, quarter):
    guess = detect_orientation(grey(turn(tilt(page, 2.5), quarter).image))
    assert guess.turn == quarter


def test_orientation_has_no_confidence_on_a_blank_page():
    guess = detect_orientation(np.full((1100, 800), 250, np.uint8))
    assert guess.confidence == 0.0


# -- colour ink -----------------------------------------------------------------------

def test_seal_suppression_keeps_black_text_and_removes_red_and_blue():
    # REGULATIONS 9.A.3: only the OCR input changes; the function returns a new image.
    plain = document_page(150)
    marked = add_blue_pen(add_red_seal(plain))
    rgb = np.asarray(marked.image)
    before = rgb.copy()
    out = suppress_coloured_ink(rgb)
    assert np.array_equal(rgb, before)
    text = grey(plain.image) < 100
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 120) & ~text
    blue = (rgb[..., 2] > 120) & (rgb[..., 0] < 90) & ~text
    assert red.sum() > 1000 and blue.sum() > 300
    # Black strokes, including those under the seal, stay black …
    assert np.median(out[text]) < 60
    assert np.percentile(out[text], 90) < 130
    # … and the coloured ink becomes paper.
    assert np.percentile(out[red], 10) > 200
    assert np.percentile(out[blue], 10) > 200


def test_seal_suppression_leaves_grey_images_alone():
    gray = grey(document_page(100).image)
    assert suppress_coloured_ink(gray) is gray


# -- illumination ---------------------------------------------------------------------

def test_uneven_light_becomes_white_paper_with_dark_ink():
    plain = document_page(150)
    dim = grey(uneven_light(plain, darkest=0.5).image)
    flat = normalise_background(dim, text_height_px=30)
    ink = grey(plain.image) < 100
    paper = grey(plain.image) > 250
    right = np.zeros_like(paper)
    right[:, int(paper.shape[1] * 0.8):] = True
    assert np.median(dim[paper & right]) <= 150         # the dark side before …
    assert np.percentile(flat[paper], 5) > 230          # … white everywhere after
    assert np.median(flat[ink & right]) < 90            # ink on the dark side stays ink


# -- perspective ----------------------------------------------------------------------

def test_photo_on_a_desk_finds_the_paper_corners():
    photo, corners = photographed(document_page(120))
    quad = find_page_quad(grey(photo.image))
    assert quad is not None
    assert np.abs(quad - corners).max() < 0.01 * photo.image.width


def test_warped_photo_reads_straight():
    photo, _ = photographed(document_page(120), shift=0.04)
    gray = grey(photo.image)
    quad = find_page_quad(gray)
    assert quad is not None
    flat, transform = warp_to_quad(gray, quad)
    assert abs(estimate_skew(flat)) <= 0.3
    # The transform maps the paper's corner back to where it was in the photo.
    back = transform.to_original(np.array([[0.0, 0.0]]))
    assert np.abs(back - quad[:1]).max() < 2


def test_a_scan_without_visible_edges_has_no_quad(page):
    assert find_page_quad(grey(page.image)) is None


# -- blank pages ----------------------------------------------------------------------

def test_blank_page_is_flagged_and_a_text_page_is_not(page):
    rng = np.random.default_rng(3)
    noise = np.clip(rng.normal(245, 6, (1650, 1170)), 0, 255).astype(np.uint8)
    noise[rng.random(noise.shape) < 0.0005] = 30   # dust
    assert detect_blank(noise).blank
    assert not detect_blank(grey(page.image)).blank


def test_a_page_with_a_single_short_line_is_not_blank():
    one_line = document_page(150, header=False, body=["Trang này cố ý để trống phần còn lại."])
    assert not detect_blank(grey(one_line.image)).blank


# -- geometry and the composed stages ------------------------------------------------

def test_rotation_transform_maps_points_back():
    transform = Transform.rotation(-3.0, (500.0, 700.0)).then(Transform.scale(0.5))
    points = np.array([[10.0, 20.0], [900.0, 1300.0]])
    forward = np.hstack([points, np.ones((2, 1))]) @ transform.matrix.T
    assert np.allclose(transform.to_original(forward[:, :2] / forward[:, 2:]), points)


def test_prepare_straightens_a_tilted_stamped_page_and_keeps_the_input():
    stamped = add_red_seal(tilt(document_page(200), -3.5))
    pixels = np.asarray(stamped.image)
    before = pixels.copy()
    prepared = prepare(pixels, 200)
    assert np.array_equal(pixels, before)
    assert abs(prepared.skew_deg + 3.5) <= 0.2
    assert prepared.colour and not prepared.blank.blank
    assert prepared.image.ndim == 2


def test_prepare_downscales_fine_scans_for_ocr_and_records_it():
    from digitize.preprocess.prepare import PrepareOptions

    fine = np.asarray(document_page(300).image)
    prepared = prepare(fine, 300, PrepareOptions(ocr_dpi=200))
    assert prepared.dpi == 200
    assert prepared.image.shape[1] == round(fine.shape[1] * 2 / 3)
    corner = prepared.transform.to_original(np.array([[100.0, 100.0]]))
    assert np.allclose(corner, [[150.0, 150.0]], atol=0.5)
