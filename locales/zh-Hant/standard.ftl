# 標準資料在頁面上的標示（見 docs/checklist-format.md）。
standard-company-practice = 此合格標準為公司做法：來源標準沒有規定數字。
standard-diagram = 圖示
