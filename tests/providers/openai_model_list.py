"""A real OpenAI account's `/v1/models` ids (41, in the order the API returned them), and which chat."""

OPENAI_MODELS = [
    "gpt-4-0613", "gpt-4", "gpt-3.5-turbo", "o4-mini-deep-research-2025-06-26", "codex-mini-latest",
    "gpt-4o-realtime-preview-2025-06-03", "gpt-4o-audio-preview-2025-06-03", "o4-mini-deep-research",
    "davinci-002", "babbage-002", "gpt-3.5-turbo-instruct", "gpt-3.5-turbo-instruct-0914", "dall-e-3",
    "dall-e-2", "gpt-4-1106-preview", "gpt-3.5-turbo-1106", "tts-1-hd", "tts-1-1106", "tts-1-hd-1106",
    "text-embedding-3-small", "text-embedding-3-large", "gpt-4-0125-preview", "gpt-4-turbo-preview",
    "gpt-3.5-turbo-0125", "gpt-4-turbo", "gpt-4-turbo-2024-04-09", "gpt-4o", "gpt-4o-2024-05-13",
    "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "gpt-4o-2024-08-06", "o1", "o3-mini", "gpt-4o-mini-tts",
    "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "omni-moderation-latest", "gpt-image-1", "whisper-1",
    "text-embedding-ada-002", "tts-1",
]

# What a chat picker should offer out of the list above.
OPENAI_CHAT_MODELS = {
    "gpt-4-0613", "gpt-4", "gpt-3.5-turbo", "gpt-4-1106-preview", "gpt-3.5-turbo-1106", "gpt-4-0125-preview", "gpt-4-turbo-preview",
    "gpt-3.5-turbo-0125", "gpt-4-turbo", "gpt-4-turbo-2024-04-09", "gpt-4o", "gpt-4o-2024-05-13",
    "gpt-4o-mini-2024-07-18", "gpt-4o-mini", "gpt-4o-2024-08-06", "o1", "o3-mini",
}
