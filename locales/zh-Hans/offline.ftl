# 没有网络时，平板电脑为未保存的页面显示的页面。

js-offline-page-title = 离线
js-offline-page-not-kept = 此页未保存在此设备，恢复连接后再打开。
js-offline-page-home = 返回首页
js-offline-page-kept = 保存的抽查
