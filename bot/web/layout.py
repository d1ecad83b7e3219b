"""The web UI's Gradio layout and event wiring; handlers live on ``bot.web.WebApp``.

Every event that serves clients is named (``api_name``) so ``gradio_client``
can call it; the ones that only make sense in a browser (clicks on messages
and citations, the status timer) are private.
"""

# No ``from __future__ import annotations``: Gradio reads the handlers' annotations (gr.SelectData,
# gr.EventData) at runtime, and they refer to the ``gr`` imported inside ``build_blocks``.
from bot.web import render

EXAMPLES = [
    "How long does the trip to Vladivostok take?",
    "Who is Kim Jong Un expected to meet?",
    "How many trips abroad did Kim Jong Il make?",
]
# The library table's columns; ``WebApp.articles`` gives rows in this order.
COLUMNS = ["Title", "Date", "Source", "Chunks", "File"]

# Clicking "Open article" in the sources panel raises an 'open_article' event carrying "citation:N" or "related:N".
_SOURCES_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('[data-open]');
  if (button) trigger('open_article', {ref: button.dataset.open});
});
"""
# When an article is opened, bring its highlighted span into view.
_ARTICLE_JS = """
const reveal = () => requestAnimationFrame(() => {
  const mark = element.querySelector('#cited-span');
  if (mark) mark.scrollIntoView({block: 'center'});
});
reveal();
watch('value', reveal);
"""


def build_blocks(app):
    import gradio as gr

    from bot.corpus import SUFFIXES

    settings = app.settings
    from bot.web.uploads import ABANDONED_AFTER_S, SWEEP_EVERY_S

    with gr.Blocks(title="News Q&A", analytics_enabled=False, delete_cache=(SWEEP_EVERY_S, ABANDONED_AFTER_S)) as demo:
        session = gr.State(None)
        gr.Markdown("## News Q&A\nAsk the articles a question: every answer quotes the passage it comes from.")
        status = gr.HTML("", elem_id="index-status")
        gr.Timer(5).tick(app.status, outputs=status, api_visibility="private", show_progress="hidden")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=380):
                        chatbot = gr.Chatbot(
                            label="Conversation", elem_id="chat", height=520, latex_delimiters=[],
                            feedback_options=None, buttons=["copy"],
                            placeholder="Ask about the articles. Answers quote the passage they come from.",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False, placeholder="Ask a question…", elem_id="question", scale=6,
                                max_length=settings.answer.max_question_chars, autofocus=True, submit_btn=False,
                            )
                            ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=1, min_width=80)
                        gr.Examples(EXAMPLES, inputs=question, label="Examples")
                        with gr.Accordion("Filters", open=False):
                            with gr.Row():
                                source = gr.Dropdown([("All sources", "")], value="", label="Source",
                                                     elem_id="filter-source", allow_custom_value=False)
                                since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="filter-since")
                                until = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="filter-until")
                                as_of = gr.Textbox(label="As of (YYYY-MM-DD; blank: today)", elem_id="filter-as-of")
                        clear = gr.Button("Clear conversation", elem_id="clear", size="sm")
                    with gr.Column(scale=2, min_width=320):
                        gr.Markdown("### Sources")
                        sources = gr.HTML(render.sources_html(None, None), elem_id="sources", js_on_load=_SOURCES_JS)
                        with gr.Column(visible=False, elem_id="article-box") as article_box:
                            article = gr.HTML("", elem_id="article", js_on_load=_ARTICLE_JS)
                            close = gr.Button("Close article", size="sm")
            with gr.Tab("Library", id="library"):
                with gr.Row():
                    search = gr.Textbox(placeholder="Search titles…", show_label=False, elem_id="library-search",
                                        scale=4)
                    rebuild = gr.Button("Rebuild index", elem_id="rebuild", scale=1)
                table = gr.Dataframe(
                    headers=COLUMNS, datatype=["str", "str", "str", "number", "str"], type="array",
                    interactive=False, elem_id="library-table", wrap=True, max_height=360, column_count=len(COLUMNS),
                    column_widths=["46%", "11%", "15%", "8%", "20%"],
                )
                with gr.Row():
                    selected = gr.Textbox(label="Selected article (click a row)", interactive=False,
                                          elem_id="selected", scale=4)
                    delete = gr.Button("Delete article", variant="stop", elem_id="delete", scale=1)
                upload = gr.File(label=f"Add articles ({', '.join(SUFFIXES)}; up to {settings.web.max_upload_mb:g} MB)",
                                 file_count="multiple", file_types=list(SUFFIXES), type="filepath",
                                 elem_id="upload", height=150)
                with gr.Row():
                    replace = gr.Checkbox(label="Replace an article saved under the same name", elem_id="replace")
                    add = gr.Button("Add to library", variant="primary", elem_id="add")
                notice = gr.HTML("", elem_id="library-notice")

        chat_inputs = [question, chatbot, session, source, since, until, as_of]
        chat_outputs = [chatbot, session, sources, question, status]
        ask.click(app.chat, chat_inputs, chat_outputs, api_name="chat", concurrency_id="answer", show_progress="hidden")
        question.submit(app.chat, chat_inputs, chat_outputs, api_visibility="private", concurrency_id="answer",
                        show_progress="hidden")
        clear.click(app.clear, [session], [chatbot, session, sources, question], api_name="clear")
        chatbot.clear(app.clear, [session], [chatbot, session, sources, question], api_visibility="private")
        def select_answer(state, evt: gr.SelectData):
            return app.select_answer(state, evt)

        def open_article(state, evt: gr.EventData):
            return app.open_article(state, evt)

        def select_row(evt: gr.SelectData):
            return evt.row_value[-1] if evt.row_value else ""

        def add_files(files, replace_existing, query, progress=gr.Progress()):  # noqa: B008 - how Gradio injects it
            return app.add_files(files, replace_existing, query, progress)

        def delete_article(path, query, progress=gr.Progress()):  # noqa: B008
            return app.delete(path, query, progress)

        def rebuild_index(query, progress=gr.Progress()):  # noqa: B008
            return app.rebuild(query, progress)

        chatbot.select(select_answer, [session], [sources, session, article_box], api_visibility="private")
        sources.open_article(open_article, [session], [article, article_box], api_visibility="private")
        close.click(lambda: gr.Column(visible=False), None, article_box, api_visibility="private")
        gr.api(app.ask_api, api_name="ask", concurrency_id="answer")

        library_outputs = [notice, table, status, source, upload, selected]
        search.change(app.articles, search, table, api_name="articles", show_progress="hidden")
        table.select(select_row, None, selected, api_visibility="private")
        add.click(add_files, [upload, replace, search], library_outputs, api_name="upload", concurrency_id="library",
                  concurrency_limit=1)
        delete.click(delete_article, [selected, search], library_outputs, api_name="delete_article",
                     concurrency_id="library", concurrency_limit=1)
        rebuild.click(rebuild_index, [search], library_outputs, api_name="rebuild", concurrency_id="library",
                      concurrency_limit=1)
        demo.load(lambda: (app.status(), app.source_choices(), app.articles()), None, [status, source, table],
                  api_visibility="private")
    return demo



def theme():
    import gradio as gr

    system = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Helvetica", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]
    return gr.themes.Soft(primary_hue="indigo", font=system, font_mono=mono)  # named local fonts: nothing fetched
