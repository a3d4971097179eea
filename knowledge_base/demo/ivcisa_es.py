# ruff: noqa: E501 - help-centre prose and Markdown tables read better unwrapped
"""IVCISA's help centre in Spanish, for its Colombian customers: each article is the Spanish
version of an English one (``translation_of``), so readers find the one in their language
and a link to the other."""

from .ivcisa_es_follow_up import FOLLOW_UP_ARTICLES_ES
from .priorities import priority_table

_ARTICLES = [
    {
        "slug": "como-solicitar-soporte-tecnico",
        "translation_of": "how-to-request-support",
        "title": "Cómo solicitar soporte técnico en tres pasos",
        "summary": "Inicie sesión, abra un ticket con el botón + y complete el título, el detalle y el tipo.",
        "category": "getting-started",
        "tags": ["primeros pasos", "tickets"],
        "visibility": "public",
        "views": 530,
        "related": [
            "informacion-antes-de-abrir-un-ticket",
            "tipos-de-solicitud",
            "seguimiento-de-su-ticket",
        ],
        "body": """
La base de conocimiento responde la mayoría de las preguntas más rápido que un ticket, así
que búsquelas aquí primero. Cuando necesite a un ingeniero, la solicitud toma tres pasos.

## 1. Inicie sesión en el portal

Inicie sesión con el correo electrónico y la contraseña de su cuenta corporativa. Si no
recuerda su contraseña, use **¿Olvidó su contraseña?** en la página de inicio de sesión
(consulte [Cómo restablecer su contraseña](/kb/articles/restablecer-contrasena/)).

## 2. Cree el ticket

Con la sesión iniciada, haga clic en el botón **+ Nuevo ticket** al final de la barra de
navegación. Se abre el formulario del ticket.

## 3. Complete los campos

| Campo | Qué escribir |
|---|---|
| **Título** | Un nombre corto para el problema, p. ej., *Ayuda con los permisos de un bucket de Amazon S3*. |
| **Texto** | Qué pasó, qué esperaba y qué ya intentó. Adjunte capturas de pantalla o registros como evidencia. |
| **Tipo** | La clase de solicitud: un incidente, un cambio de redes, una consultoría… Consulte [Tipos de solicitud](/kb/articles/tipos-de-solicitud/). |

Mientras escribe el título, el formulario le sugiere artículos que quizá ya respondan su
pregunta. Si alguno lo hace, haga clic en **Esto resolvió mi problema** y no se crea
ningún ticket.

Al enviarlo, el ticket recibe un número único (por ejemplo `IVC-1042`) con el que puede
hacerle seguimiento.
""",
    },
    {
        "slug": "tipos-de-solicitud",
        "translation_of": "request-types-guide",
        "title": "Tipos de solicitud: cuál elegir",
        "summary": "Los nueve tipos de solicitud, con ejemplos, para que su ticket llegue a los ingenieros indicados desde el principio.",
        "category": "request-types",
        "tags": ["tickets", "tipos de solicitud"],
        "visibility": "public",
        "views": 341,
        "related": ["como-solicitar-soporte-tecnico", "como-se-define-la-prioridad"],
        "body": """
El tipo dirige su ticket a los ingenieros especializados en ese tema. Elija el más cercano
a su necesidad; si no está seguro, elija **Solicitud** o **Incidente** y nosotros lo
reclasificamos.

| Tipo | Úselo para |
|---|---|
| **IA / ML – Aprendizaje automático** | Modelos, entrenamiento, inferencia, pipelines de ML y otros usos de la inteligencia artificial. |
| **Cómputo en la nube** | Crear, dimensionar o ajustar recursos de cómputo: máquinas virtuales, instancias, escalamiento automático. |
| **Infraestructura en la nube** | Ambientes, servicios base, almacenamiento y la arquitectura general de su nube. |
| **Redes** | Conectividad, firewalls, VPN, balanceadores de carga y acceso entre servicios. |
| **Consultoría** | Asesoría técnica: revisiones de arquitectura, buenas prácticas, recomendaciones especializadas. |
| **Analítica de datos** | Análisis, informes, tableros, consultas y procesamiento analítico. |
| **Incidente** | Algo que funcionaba dejó de hacerlo o está degradado y necesita atención ya. |
| **Solicitud** | Una necesidad planificada que no es una falla: un acceso, una configuración, un servicio nuevo. |
| **Seguridad** | Accesos y credenciales, cumplimiento, vulnerabilidades y eventos de seguridad. |

### ¿Incidente o solicitud?

Un **incidente** es inesperado: un servicio falla o se vuelve lento. Una **solicitud** es
algo que usted planea: *por favor abran el puerto 443 en el firewall de pruebas el próximo
martes*. Una solicitud nunca necesita ser P1.
""",
    },
    {
        "slug": "como-se-define-la-prioridad",
        "translation_of": "how-priorities-are-decided",
        "title": "Cómo se define la prioridad de un ticket (P1 a P4)",
        "summary": "P1 es solo para la caída total de servicios críticos del negocio; las fallas parciales son P2 o P3.",
        "category": "tickets",
        "tags": ["prioridad", "P1", "incidentes"],
        "visibility": "public",
        "views": 402,
        "related": ["horario-habil-y-cobertura-p1", "tiempos-de-respuesta-y-planes"],
        "body": """
La prioridad refleja el impacto en su negocio, no qué tan urgente se siente una tarea. Los
ingenieros la confirman o la ajustan cuando revisan el ticket por primera vez. Los mismos
nombres y definiciones aparecen junto a cada opción cuando abre un ticket.

"""
        + priority_table(
            "ivcisa",
            {
                "P1": "Producción está caída para todos los usuarios; el clúster principal de base de datos no responde.",
                "P2": "El pago funciona, pero tarda un minuto por pedido; una región no está disponible.",
                "P3": "Un informe nocturno falla; no se puede cambiar el tamaño de una máquina virtual.",
                "P4": "¿Cómo roto una clave de acceso? Por favor agreguen un usuario al proyecto de analítica.",
            },
            meaning="Cuándo aplica",
            language="es",
        )
        + """
### Por qué P1 es estricta

Los tickets P1 alertan a un ingeniero de turno a cualquier hora, todos los días del año.
Reservar P1 para las emergencias reales es lo que nos permite atenderlas de inmediato. Las
fallas menores o las degradaciones parciales se manejan como P2 o P3 y también reciben
respuesta dentro de los objetivos de su plan.

Las preguntas de configuración y los procedimientos estándar (normalmente P3 o P4) suelen
tener respuesta inmediata en esta base de conocimiento.
""",
    },
    {
        "slug": "informacion-antes-de-abrir-un-ticket",
        "translation_of": "information-to-gather",
        "title": "Antes de abrir un ticket: qué información reunir",
        "summary": "El recurso afectado, capturas de pantalla, registros y los pasos que llevaron al error.",
        "category": "tickets",
        "tags": ["tickets", "evidencia", "registros"],
        "visibility": "public",
        "views": 236,
        "related": ["como-solicitar-soporte-tecnico", "como-se-define-la-prioridad"],
        "body": """
La primera respuesta de un ingeniero depende de la información de su ticket. Reunir estos
cuatro datos antes de escribir ahorra una ronda de preguntas:

1. **El servicio o recurso exacto afectado**: cuenta o proyecto, región, ID de la
   instancia, nombre del bucket o del clúster, URL.
2. **Evidencia visual**: capturas de pantalla de los mensajes de error, con la hora
   visible si es posible.
3. **Registros técnicos relevantes**: registros de la aplicación o del sistema alrededor
   de la hora de la falla, códigos de error, ID de las peticiones.
4. **Qué llevó a la falla**: las acciones realizadas justo antes, qué cambió
   recientemente y si puede reproducirla.

Indique también **cuándo empezó** y **cuántos usuarios están afectados**; ambos datos nos
ayudan a fijar la prioridad correcta.

> Quite contraseñas, claves privadas y datos personales de los registros antes de
> adjuntarlos.
""",
    },
    {
        "slug": "tiempos-de-respuesta-y-planes",
        "translation_of": "response-times-and-plans",
        "title": "Tiempos de respuesta y planes de soporte",
        "summary": "Los objetivos dependen de la prioridad del ticket y de su plan: Essentials, Business o Enterprise.",
        "category": "plans",
        "tags": ["ANS", "planes", "tiempo de respuesta"],
        "visibility": "customers",
        "views": 288,
        "related": [
            "como-se-define-la-prioridad",
            "horario-habil-y-cobertura-p1",
            "como-funciona-el-escalamiento",
        ],
        "body": """
La rapidez con la que respondemos y resolvemos depende de dos cosas:

1. **La prioridad del ticket**: qué tan crítico y complejo es el incidente
   (consulte [Cómo se define la prioridad de un ticket](/kb/articles/como-se-define-la-prioridad/)).
2. **El plan de soporte de su organización**: Essentials, Business o Enterprise.

| Plan | Pensado para | Cobertura |
|---|---|---|
| **Essentials** | Equipos con cargas de trabajo no críticas | Horario estándar de lunes a viernes; incidentes P1 24/7/365 |
| **Business** | Cargas de trabajo en producción | Objetivos más rápidos de lunes a viernes; incidentes P1 24/7/365 |
| **Enterprise** | Plataformas críticas para el negocio | Nuestros objetivos más rápidos; incidentes P1 24/7/365 |

Los tiempos exactos de respuesta y resolución de su contrato están en su acuerdo de
niveles de servicio (ANS). Su página de inicio muestra el plan de su organización; su
gerente de cuenta de IVCISA puede enviarle el acuerdo o explicarle los objetivos.

Cada ticket muestra sus propios objetivos y cuánto tiempo queda mientras está abierto.
""",
    },
    {
        "slug": "verificacion-en-dos-pasos",
        "translation_of": "two-factor-authentication",
        "title": "Cómo activar la verificación en dos pasos",
        "summary": "Agregue una aplicación de autenticación para que iniciar sesión pida un código además de su contraseña.",
        "category": "account",
        "tags": ["verificación en dos pasos", "seguridad", "inicio de sesión"],
        "visibility": "customers",
        "views": 173,
        "related": ["restablecer-contrasena"],
        "body": """
La verificación en dos pasos protege sus casos de soporte aunque le roben la contraseña:
después de la contraseña, el portal le pide un código de seis dígitos de una aplicación en
su teléfono.

## Actívela

1. Instale una aplicación de autenticación en su teléfono (cualquiera que admita códigos
   basados en el tiempo, como las de Microsoft o Google).
2. Abra su **perfil** (su nombre en la navegación) y, en *Verificación en dos pasos*, haga
   clic en **Configurar la verificación en dos pasos**.
3. Escanee el código QR con la aplicación y escriba el código que muestra para confirmar.
4. Guarde los **códigos de respaldo** en un lugar seguro. Cada uno le permite entrar una
   vez si pierde el teléfono.

Desde entonces, cada inicio de sesión le pide un código nuevo de la aplicación.

## ¿Perdió su teléfono?

Inicie sesión con uno de sus códigos de respaldo y configure el teléfono nuevo desde su
perfil. Si ya no le quedan códigos de respaldo, pida al administrador de su organización
que se comunique con nosotros; por su seguridad, verificamos la solicitud antes de quitar
la verificación en dos pasos de una cuenta.
""",
    },
] + FOLLOW_UP_ARTICLES_ES

ARTICLES_ES = [{"language": "spanish", **spec} for spec in _ARTICLES]
