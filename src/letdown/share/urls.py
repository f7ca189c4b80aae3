from django.urls import path

from . import views

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/pdf/", views.report_download, name="report_pdf"),
    path("report/questions/", views.report_questions, name="report_questions"),
    path("account/share/", views.shares, name="shares"),
    path("account/share/<int:pk>/revoke/", views.share_revoke, name="share_revoke"),
    path("s/<str:token>/", views.link_home, name="share_link"),
    path("s/<str:token>/report/", views.link_report, name="share_report"),
    path("s/<str:token>/report/pdf/", views.link_report_download, name="share_report_pdf"),
    path("s/<str:token>/history/", views.link_history, name="share_history"),
    path("s/<str:token>/insights/", views.link_insights, name="share_insights"),
]
