"""Archiving (lưu trữ) of closed TTHC dossiers per Circular 13/2023/TT-BNV.

Transfer packages (BagIt, METS, PREMIS, NĐ 30/2020 App. VI metadata), their
validation and transfer records live here. Not built yet: see issue 6. This
package never deletes anything.
"""
