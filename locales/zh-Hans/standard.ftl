# 标准资料在页面上的标示（见 docs/checklist-format.md）。
standard-company-practice = 此合格标准为公司做法：来源标准没有规定数字。
standard-diagram = 图示
