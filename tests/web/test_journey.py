"""The whole journey in a real browser, as the people do it (issue 7).

A counter officer receives a dossier, drops in three scanned pages, watches them
being digitised, checks each page beside its text, completes the record, signs the
result and closes the dossier; the citizen finds the document in her vault, checks
its signature, reuses it in an application at another ward, and sees that ward's
read in her access log; an archivist exports and validates the dossier's package;
the officer and the administrator read the month's figures and download them.
Every step checks what the person sees on the screen.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.inputs import image_bytes, image_pdf, text_page, text_pdf
from tests.web.conftest import AGENCY_A, AGENCY_B, CITIZEN_ID, Site, log_in, new_page, screenshot

pytestmark = [pytest.mark.ocr, pytest.mark.slow]

PAGES = [
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
     "TỜ KHAI ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC", "Họ và tên: Nguyễn Thị Lan"],
    ["Nơi cư trú: phường Bến Nghé, thành phố Hồ Chí Minh",
     "Quan hệ với người được cấp: bản thân", "Số lượng bản sao: hai bản"],
    ["Tôi cam đoan nội dung khai trên đây là đúng sự thật",
     "Người yêu cầu ký và ghi rõ họ tên", "Nguyễn Thị Lan"],
]


def _scans() -> list[dict[str, object]]:
    return [{"name": f"trang-{n}.png", "mimeType": "image/png",
             "buffer": image_bytes(text_page(300, lines=lines), "PNG", 300)}
            for n, lines in enumerate(PAGES, start=1)]


def test_counter_citizen_and_archivist_journey(browser: Browser, site: Site) -> None:
    # REGULATIONS 9.A.1–8 (counter digitisation), 9.C.23 (reuse), 9.D.35 (access log),
    # 9.D.27–33 (archival package)
    code = _counter_receives_and_files(new_page(browser, site))
    _other_ward_cannot_see(new_page(browser, site), code)
    new_code = _citizen_reuses(new_page(browser, site, phone=True), code)
    _other_ward_reads(new_page(browser, site), new_code)
    _citizen_sees_the_read(new_page(browser, site, phone=True))
    _archivist_exports(new_page(browser, site), code)
    _the_month_in_figures(new_page(browser, site))


def _counter_receives_and_files(page: Page) -> str:
    log_in(page, "canbo.an")
    expect(page.get_by_role("heading", name="Hồ sơ của cơ quan")).to_be_visible()
    screenshot(page, "01-counter-dossiers")
    page.get_by_role("link", name="Tiếp nhận hồ sơ", exact=True).click()
    page.get_by_label("Thủ tục hành chính").select_option("TRICHLUC")
    page.get_by_label("Số định danh cá nhân, mã số thuế hoặc mã tham chiếu").fill(CITIZEN_ID)
    # Her first dossier: no vault yet, so the officer names her and confirms (issue 29).
    expect(page.locator("#owner-check")).to_contain_text("Chưa có kho dữ liệu nào cho số này")
    page.get_by_label("Họ tên người nộp (hoặc tên tổ chức)").fill("Nguyễn Thị Lan")
    page.get_by_label("Tôi đã đối chiếu số với giấy tờ").check()
    screenshot(page, "02-counter-new-dossier")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã tiếp nhận hồ sơ")
    heading = page.get_by_role("heading", level=1).inner_text()
    code = re.search(rf"{re.escape(AGENCY_A[0])}-\d{{6}}-\d{{4}}", heading)
    assert code, heading
    row = page.get_by_role("row", name=re.compile("^Giấy tờ tùy thân"))
    expect(row).to_contain_text("Còn thiếu")

    # Three pages dropped in at once, counted on paper; progress until they are filed.
    page.get_by_label("Thành phần", exact=True).select_option("GTTT")
    page.get_by_label("Tên tài liệu").fill("Tờ khai đề nghị cấp bản sao trích lục")
    page.get_by_label("Các trang quét (PDF, JPEG, PNG, TIFF, HEIC)").set_input_files(_scans())
    expect(page.locator("[data-file-list]")).to_contain_text("trang-3.png")
    page.get_by_label("Số trang giấy đã đếm").fill("3")
    page.get_by_role("button", name="Số hóa và lưu").click()
    expect(page.locator("#scan-result progress, #scan-result .notice").first).to_be_visible()
    screenshot(page, "03-counter-scanning")
    done = page.locator("#scan-result .notice.ok")
    expect(done).to_contain_text("Đã số hóa, ký số và lưu vào kho.", timeout=240_000)
    expect(done).to_contain_text("3 trang")

    # Each page beside its text; the record is completed and coded.
    done.get_by_role("link", name=re.compile("Xem xét tài liệu")).click()
    expect(page.locator("section.page")).to_have_count(3)
    expect(page.locator("section.page img").first).to_have_attribute(
        "src", re.compile("^data:image/jpeg;base64,"))
    texts = page.locator("section.page pre")
    expect(texts.nth(0)).to_contain_text(re.compile("TRÍCH L[ỤU]C", re.IGNORECASE))
    expect(texts.nth(2)).to_contain_text(re.compile("cam đoan", re.IGNORECASE))
    # Issue 26, item 5: staff see each page's estimated error beside its text.
    expect(page.locator("section.page .hint").first).to_contain_text("Ước tính")
    expect(page.locator(".signature summary")).to_contain_text("Chữ ký số hợp lệ")
    # Issue 29 item 4: why the record waits, each value with its source and confidence.
    why = page.locator("#why-waiting")
    expect(why).to_contain_text("Còn thiếu")
    expect(page.locator("#summary-source")).to_contain_text("độ tin cậy")
    screenshot(page, "04-counter-review")
    page.get_by_label("Loại giấy tờ").select_option("TK")
    for label, value in (("Tên giấy tờ", "Tờ khai đề nghị cấp bản sao trích lục"),
                         ("Số, ký hiệu", "TK-01/2026"), ("Ngày ban hành", "20/11/2026"),
                         ("Cơ quan ban hành", "Công dân tự khai"),
                         ("Trích yếu", "Tờ khai của bà Nguyễn Thị Lan")):
        page.get_by_label(re.compile(f"^{re.escape(label)}")).fill(value)  # "… bắt buộc"
    page.get_by_role("button", name="Lưu thông tin và lưu trữ").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu thông tin tài liệu.")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("Đã lưu vào kho")
    expect(facts).not_to_contain_text("chưa cấp")

    # The officer's opinion, the signed result, the dossier closed; the receipt prints.
    page.get_by_role("link", name=code.group(0)).click()
    expect(page.get_by_role("row", name=re.compile("^Giấy tờ tùy thân"))).to_contain_text("Đã số hóa")
    receipt = page.request.get(f"/counter/dossiers/{code.group(0)}/receipt.pdf")
    assert receipt.ok and receipt.body().startswith(b"%PDF")
    page.get_by_label("Ý kiến", exact=True).fill("Đủ điều kiện, đề nghị cấp trích lục.")
    page.get_by_role("button", name="Ghi ý kiến").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã ghi ý kiến.")
    # Issue 29 item 3: a result the archive would refuse (PDF 1.3) is refused at upload,
    # inside the form, with what was typed kept; nothing is filed.
    page.get_by_label("Tệp kết quả (PDF)").set_input_files({
        "name": "trich-luc-cu.pdf", "mimeType": "application/pdf",
        "buffer": image_pdf(image_bytes(text_page(150), "JPEG", 150), version="1.3")})
    page.get_by_label("Tên kết quả").fill("Bản sao trích lục khai sinh")
    page.get_by_label("Loại giấy tờ").select_option("GKS")
    page.get_by_label("Số, ký hiệu").fill("15/2026/TLKS")
    page.get_by_label("Người ký", exact=True).fill("Nguyễn Văn An")
    page.get_by_role("button", name="Ký số cơ quan và lưu kết quả").click()
    result_form = page.locator("form", has=page.get_by_label("Tệp kết quả (PDF)"))
    expect(result_form.locator("[data-form-errors]")).to_contain_text("1.4")
    expect(page.get_by_label("Số, ký hiệu")).to_have_value("15/2026/TLKS")
    expect(page.get_by_role("heading", name="Kết quả giải quyết")).to_have_count(0)
    page.get_by_label("Tệp kết quả (PDF)").set_input_files({
        "name": "trich-luc.pdf", "mimeType": "application/pdf",
        "buffer": text_pdf("Trich luc khai sinh")})
    page.get_by_role("button", name="Ký số cơ quan và lưu kết quả").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã ký số và lưu kết quả")
    expect(page.get_by_role("heading", name="Kết quả giải quyết")).to_be_visible()
    page.get_by_label("Chuyển sang").select_option("COMPLETED")
    page.get_by_role("button", name="Chuyển trạng thái").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã có kết quả")
    screenshot(page, "05-counter-dossier")
    return code.group(0)


def _other_ward_cannot_see(page: Page, code: str) -> None:
    """Before the citizen shares anything, the other ward's officer gets nothing."""
    log_in(page, "canbo.dakao")
    expect(page.get_by_role("heading", name="Hồ sơ của cơ quan")).to_be_visible()
    expect(page.get_by_text(code)).to_have_count(0)
    response = page.goto(f"/counter/dossiers/{code}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")


def _citizen_reuses(page: Page, code: str) -> str:
    log_in(page, "congdan")
    expect(page.get_by_role("heading", name="Kho dữ liệu của tôi")).to_be_visible()
    page.get_by_label("Tìm kiếm").fill("cam doan")  # without accents, as people type
    page.get_by_role("button", name="Tìm", exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tờ khai đề nghị cấp bản sao trích lục")
    expect(rows.first).to_contain_text(code)
    screenshot(page, "06-citizen-vault")
    rows.first.get_by_role("link").click()
    # Item 8: the document in tabs; the pages first, the signature one tab away.
    expect(page.get_by_role("tab", name="Các trang")).to_have_attribute("aria-selected", "true")
    expect(page.locator("section.page")).to_have_count(3)
    expect(page.locator("details.technical code")).to_be_hidden()  # hashes folded away
    page.get_by_role("tab", name="Chữ ký số").click()
    expect(page.locator(".signature summary")).to_contain_text("Chữ ký số hợp lệ")
    page.locator(".signature summary").click()
    expect(page.locator(".signature")).to_contain_text("Phạm Minh Đức")
    page.get_by_role("tab", name="Lịch sử").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("lưu vào Kho dữ liệu của bạn")
    download = page.request.get(page.get_by_role("link", name="Tải bản có chữ ký số")
                                .get_attribute("href") or "")
    assert download.ok and download.body().startswith(b"%PDF")
    screenshot(page, "07-citizen-document")

    page.get_by_role("link", name="Dùng để nộp hồ sơ mới").click()
    page.get_by_label("Cơ quan tiếp nhận").select_option(AGENCY_B[0])
    page.get_by_label("Thủ tục hành chính").select_option("DKKH")
    page.get_by_label("Mục đích sử dụng").fill("Đăng ký kết hôn tại phường Đa Kao")
    expect(page.get_by_label(re.compile("Tờ khai đề nghị cấp bản sao trích lục"))).to_be_checked()
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("heading", name="Xem trước: cơ quan sẽ được đọc")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("Tờ khai đề nghị cấp bản sao trích lục")
    screenshot(page, "08-citizen-apply-preview")
    page.get_by_role("button", name="Xác nhận nộp hồ sơ").click()
    message = page.get_by_role("status").first
    expect(message).to_contain_text(AGENCY_B[1])
    new_code = re.search(rf"{re.escape(AGENCY_B[0])}-\d{{6}}-\d{{4}}", message.inner_text())
    assert new_code, message.inner_text()
    grant = page.get_by_role("row", name=re.compile(AGENCY_B[1]))
    expect(grant).to_contain_text("Đang hiệu lực")
    screenshot(page, "09-citizen-grants")
    return new_code.group(0)


def _other_ward_reads(page: Page, code: str) -> None:
    log_in(page, "canbo.dakao")
    page.get_by_role("link", name=code).click()
    components = page.locator("#dossier-parts table").first
    expect(components.get_by_role("row", name=re.compile("Tờ khai"))).to_contain_text(
        "Lấy từ kho dữ liệu")
    page.get_by_role("link", name="Tờ khai đề nghị cấp bản sao trích lục").first.click()
    expect(page.locator(".signature summary")).to_contain_text("Chữ ký số hợp lệ")
    expect(page.locator("section.page")).to_have_count(3)


def _citizen_sees_the_read(page: Page) -> None:
    log_in(page, "congdan")
    page.get_by_role("link", name="Nhật ký truy cập").click()
    # The agency by its name, not its code (issue 28).
    read = page.locator("tr.read", has_text=AGENCY_B[1]).first
    expect(read).not_to_contain_text(AGENCY_B[0])
    expect(read).to_contain_text("Được chia sẻ")
    expect(read).to_contain_text("Tờ khai đề nghị cấp bản sao trích lục")
    expect(read).to_contain_text("Lê Thu Hà (cán bộ một cửa)")
    screenshot(page, "10-citizen-access-log")


def _archivist_exports(page: Page, code: str) -> None:
    log_in(page, "luutru.an")
    expect(page.get_by_role("heading", name="Hồ sơ đến hạn nộp lưu")).to_be_visible()
    page.get_by_role("link", name="Hiện mọi hồ sơ đã kết thúc chưa nộp lưu").click()
    page.get_by_label(f"Chọn {code}").check()
    page.get_by_role("button", name="Xuất gói và kiểm tra").click()
    result = page.locator("#export-result table.packages")
    expect(result).to_contain_text("Gói hợp lệ", timeout=120_000)
    expect(result).to_contain_text(code)
    screenshot(page, "11-archivist-export")
    link = result.get_by_role("link", name="Tải gói (ZIP)")
    package = page.request.get(link.get_attribute("href") or "")
    assert package.ok
    names = zipfile.ZipFile(io.BytesIO(package.body())).namelist()
    assert any(n.endswith("bagit.txt") for n in names)
    assert any(n.endswith("METS.xml") or n.endswith("mets.xml") for n in names), names
    assert sum(n.endswith(".pdf") for n in names) >= 2


def _the_month_in_figures(page: Page) -> None:
    """The ward's own figures for the officer; every ward's, by officer, for the
    administrator; the CSV link hands over the same numbers (REGULATIONS 62–63)."""
    log_in(page, "canbo.an")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Báo cáo số hóa hồ sơ")).to_be_visible()
    expect(page.get_by_label("Cơ quan")).to_have_count(0)  # an officer sees her ward only
    ward = page.locator("#report-table tbody tr")
    expect(ward).to_have_count(1)
    # One dossier received and digitised, its result signed: 100 %; its one component
    # was scanned, not taken from the vault: 0 %; three pages.
    expect(ward).to_contain_text(AGENCY_A[1])
    cells = ward.locator("td")
    expect(cells.nth(2)).to_have_text("1")
    expect(cells.nth(3)).to_have_text(re.compile(r"^100,0\s?%$"))
    expect(cells.nth(4)).to_have_text(re.compile(r"^100,0\s?%$"))
    expect(cells.nth(5)).to_have_text(re.compile(r"^0,0\s?%$"))
    expect(page.locator("section[aria-labelledby=group-iv]")).to_contain_text("/ 22")

    log_in(page, "quantri")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_label("Nhóm theo").select_option("month,counter")
    page.get_by_role("button", name="Xem báo cáo").click()
    rows = page.locator("#report-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Phạm Minh Đức")).to_contain_text(AGENCY_A[1])
    other = rows.filter(has_text=AGENCY_B[1])
    expect(other).to_contain_text("Trực tuyến")  # the citizen applied from home
    expect(other.locator("td").nth(6)).to_have_text(re.compile(r"^33,3\s?%$"))  # 1 of 3
    screenshot(page, "12-reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải CSV").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert [line["line"] for line in lines] == ["row", "row", "total"]
    assert lines[-1]["received"] == "2" and lines[-1]["pages"] == "3"
    assert [line["counter_name"] for line in lines[:2]] == ["Phạm Minh Đức", ""]
