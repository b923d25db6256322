"""The public site under /help/ (no sign-in), the content editor's pages and the MASH queue (signed in)."""

from django.urls import path

from public import editor_views, mash_views, site_views

app_name = "public"

urlpatterns = [
    # The public site: no sign-in, quick exit on every page.
    path("help/", site_views.index, name="index"),
    path("help/cookies/", site_views.cookies, name="cookies"),
    path("help/privacy/", site_views.privacy, name="privacy"),
    path("help/accessibility/", site_views.accessibility, name="accessibility"),
    path("help/<str:code>/", site_views.council_home, name="council"),
    path("help/<str:code>/tell-us-about-a-child/", site_views.concern, name="concern"),
    path("help/<str:code>/tell-us-about-a-child/sent/", site_views.concern_sent, name="concern-sent"),
    path("help/<str:code>/<slug:slug>/", site_views.page, name="page"),
    # The council's content editors.
    path("public-pages/", editor_views.pages, name="editor-pages"),
    path("public-pages/new/", editor_views.new_page, name="editor-new"),
    path("public-pages/<int:page_id>/", editor_views.edit_page, name="editor-edit"),
    path("public-pages/<int:page_id>/unpublish/", editor_views.unpublish, name="editor-unpublish"),
    path("public-pages/<int:page_id>/versions/", editor_views.versions, name="editor-versions"),
    path("public-pages/<int:page_id>/versions/<int:number>/", editor_views.version, name="editor-version"),
    # The MASH queue.
    path("mash/", mash_views.queue, name="mash-queue"),
    path("mash/<int:concern_id>/", mash_views.concern, name="mash-concern"),
    path("mash/<int:concern_id>/link/", mash_views.link_child, name="mash-link"),
    path("mash/<int:concern_id>/new-child/", mash_views.create_child, name="mash-new-child"),
    path("mash/<int:concern_id>/refer/", mash_views.refer, name="mash-refer"),
    path("mash/<int:concern_id>/close/", mash_views.close, name="mash-close"),
]
