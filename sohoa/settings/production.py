"""What a production service may not run with (issue 28, item 5).

The embedded default is made to start with nothing configured: a development PKI and
TSA, example catalogues, keys in the data folder. Each is right for trying the service
and wrong for a province. With ``SOHOA_ENV=production`` the service refuses to start
on any of them and names every one at once, so an operator fixes the list in one pass.
"""

from __future__ import annotations

from .areas import KeySettings, ServerSettings
from .work import (
    DEVELOPMENT_AGENCY,
    AgencySettings,
    ArchiveSettings,
    RecordSettings,
    SigningSettings,
)


def production_problems(*, signing: SigningSettings, keys: KeySettings, server: ServerSettings,
                        archive: ArchiveSettings, records: RecordSettings,
                        agency: AgencySettings) -> list[str]:
    """What stops these areas of the settings from running a production service; empty
    when nothing does. What the database holds is checked where it is opened
    (`sohoa.services`): a configured catalogue that says it is an example, an agency
    with staff and no signing key."""
    problems = []
    if agency.code == DEVELOPMENT_AGENCY:
        problems.append("SOHOA_AGENCY_CODE: đang là cơ quan thử nghiệm (the development "
                        "agency); đặt mã cơ quan chủ quản của hệ thống")
    if not signing.tsa_url.strip():
        problems.append("SOHOA_TSA_URL: dấu thời gian từ TSA phát triển (timestamps from the "
                        "development TSA)")
    if signing.trust_dev_root:
        problems.append("SOHOA_TRUST_DEV_ROOT: đang tin gốc PKI phát triển (the development "
                        "root is trusted)")
    if keys.kek is None:
        problems.append("SOHOA_KEK: khóa mã hóa khóa nằm trong thư mục dữ liệu (the KEK sits "
                        "next to the data it protects)")
    if not server.public_url.startswith("https://"):
        problems.append("SOHOA_PUBLIC_URL: phải là https:// (cookies and look-up links over "
                        "plain HTTP)")
    if archive.retention_file is None:
        problems.append("SOHOA_RETENTION_FILE: đang dùng bảng thời hạn bảo quản ví dụ (the "
                        "retention schedule is the bundled example)")
    if records.procedures_file is None:
        problems.append("SOHOA_PROCEDURES_FILE: đang dùng danh mục thủ tục ví dụ (the procedure "
                        "catalogue is the bundled example)")
    return problems
