# 沒有網絡時，平板電腦為未保存的頁面顯示的頁面。

js-offline-page-title = 離線
js-offline-page-not-kept = 此頁未保存在此裝置，恢復連線後再打開。
js-offline-page-home = 返回首頁
js-offline-page-kept = 保存的抽查
